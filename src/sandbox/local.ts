// `--sandbox=none`: runs agent code as a plain subprocess in the workspace, with the same
// rlimits and timeout but NO filesystem or network isolation. Only for trusted agents or a
// machine that is itself disposable; callers must log that they chose it.

import { resolveLimits } from './limits.js';
import { MAX_QUEUED_RUNS, prlimitArgs, SANDBOX_ENV } from './bwrap.js';
import { runProcess } from './process.js';
import { RunQueue } from './run-queue.js';
import type { ExecRequest, ExecResult, Limits, Sandbox } from './types.js';
import { removeWorkspace } from './workspace.js';

export class LocalSandbox implements Sandbox {
  readonly mode = 'none' as const;
  readonly workspace: string;
  readonly workdir: string;
  private readonly queue = new RunQueue(MAX_QUEUED_RUNS);
  constructor(workspace: string, private readonly limits: Limits) {
    this.workspace = workspace;
    this.workdir = workspace;
  }

  /** One run at a time, like the bubblewrap sandbox (no disk or cgroup budget here). */
  async exec(req: ExecRequest): Promise<ExecResult> {
    const turn = await this.queue.turn(req.signal);
    if (turn !== 'go') {
      const full = turn === 'full';
      return {
        status: full ? 'sandbox_error' : 'aborted', exitCode: null, signal: null, stdout: '', stderr: '', stdoutDropped: 0, stderrDropped: 0, durationMs: 0,
        ...(full ? { fault: 'agent' as const, sandboxError: `too many runs waiting in this session: runs execute one at a time and at most ${MAX_QUEUED_RUNS} may wait` } : {}),
      };
    }
    try {
      return await this.execNow(req);
    } finally {
      this.queue.release();
    }
  }

  private async execNow(req: ExecRequest): Promise<ExecResult> {
    const limits = resolveLimits(this.limits, req.limits);
    const r = await runProcess({
      command: 'prlimit',
      // no --nproc here: it would count every process of the server's user
      args: [...prlimitArgs(limits, 0).filter((a) => !a.startsWith('--nproc')), '--', ...req.argv],
      cwd: this.workspace,
      env: { ...SANDBOX_ENV, HOME: this.workspace, TMPDIR: this.workspace },
      stdin: req.stdin,
      limits,
      signal: req.signal,
    });
    const { statusText: _s, spawnError: _e, ...result } = r;
    return result.status === 'sandbox_error' ? { ...result, fault: 'infrastructure' } : result;
  }

  async cleanup(): Promise<void> {
    await removeWorkspace(this.workspace);
  }
}
