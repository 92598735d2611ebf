// The run_python / run_bash tools, shared by every environment that lets agents run code.
// The environment says where a session's sandbox is (it may open it lazily); this module
// owns the input schema, the output format and fault attribution: what the agent caused is
// its ToolError, a failure of the sandbox machinery is a plain Error (an environment error).

import { Type } from '@sinclair/typebox';
import { defineTool, type Tool, type ToolContext, ToolError } from '../ors/environment.js';
import { toolOutput } from '../ors/types.js';
import type { ExecResult, Sandbox } from './types.js';

export type RunToolName = 'run_python' | 'run_bash';

const DEFAULT_DESCRIPTIONS: Record<RunToolName, string> = {
  run_python: 'Run a Python 3 program (numpy, scipy, pandas, statsmodels available) in /workspace, offline. Returns stdout, stderr and the exit code; state does not persist between calls, files do.',
  run_bash: 'Run a bash command in /workspace, offline. Returns stdout, stderr and the exit code.',
};

export interface RunToolOptions<State> {
  /** the session's sandbox (opened on demand if the environment wants) */
  sandboxOf(state: State, ctx: ToolContext): Sandbox | Promise<Sandbox>;
  /** replaces the default description */
  description?: string;
}

export function defineRunTool<State>(name: RunToolName, opts: RunToolOptions<State>): Tool<any, State> {
  const isPython = name === 'run_python';
  return defineTool({
    name,
    description: opts.description ?? DEFAULT_DESCRIPTIONS[name],
    input: Type.Object({
      [isPython ? 'code' : 'command']: Type.String({ description: isPython ? 'Python source' : 'bash command line' }),
      timeout_s: Type.Optional(Type.Integer({ minimum: 1, maximum: 600, description: 'wall-clock limit in seconds (default 120)' })),
    }) as any,
    async run(input: any, st: State, ctx) {
      const src = String(isPython ? input.code : input.command);
      const argv = isPython ? { argv: ['python3', '-'], stdin: src } : { argv: ['bash', '-c', src] };
      const limits = input.timeout_s ? { timeoutMs: input.timeout_s * 1000, cpuSeconds: input.timeout_s + 5 } : {};
      const sandbox = await opts.sandboxOf(st, ctx);
      const r = await sandbox.exec({ ...argv, limits, signal: ctx.signal });
      if (r.status === 'sandbox_error') {
        // What the agent caused (its workspace's state, too many queued runs) is its tool
        // error; only a failure of the sandbox machinery is an environment error.
        if (r.fault === 'agent') throw new ToolError(`${name} did not run: ${r.sandboxError}`);
        throw new Error(`sandbox error: ${r.sandboxError}`);
      }
      return toolOutput({ text: formatExec(r), metadata: { exit_code: r.exitCode, status: r.status, duration_ms: r.durationMs } });
    },
  });
}

/** A run's result as the agent reads it: why it was killed, exit code, stdout, stderr. */
export function formatExec(r: ExecResult): string {
  const parts: string[] = [];
  if (r.status === 'timeout') parts.push('[killed: wall-clock time limit reached]');
  if (r.status === 'output_limit') parts.push('[killed: output limit reached]');
  if (r.budget === 'disk') parts.push('[killed: the workspace disk budget of this session is used up; files written past it were deleted]');
  else if (r.status === 'aborted') parts.push('[killed: session ended]');
  if (r.budget === 'memory') parts.push('[killed: the memory budget of this session was exceeded]');
  parts.push(`exit code: ${r.exitCode ?? 'none'}${r.signal ? ` (signal ${r.signal})` : ''}`);
  parts.push(`--- stdout ---\n${r.stdout}${r.stdoutDropped ? `\n[... ${r.stdoutDropped} more bytes of stdout dropped]` : ''}`);
  if (r.stderr || r.stderrDropped) parts.push(`--- stderr ---\n${r.stderr}${r.stderrDropped ? `\n[... ${r.stderrDropped} more bytes of stderr dropped]` : ''}`);
  return parts.join('\n');
}
