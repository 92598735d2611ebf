// `--sandbox=none`: runs agent code as a plain subprocess in the workspace, with the same
// rlimits and timeout but NO filesystem or network isolation. Only for trusted agents or a
// machine that is itself disposable; callers must log that they chose it.

import { resolveLimits } from './limits.js';
import { prlimitArgs, SANDBOX_ENV } from './bwrap.js';
import { runProcess } from './process.js';
import type { ExecRequest, ExecResult, Limits, Sandbox } from './types.js';
import { removeWorkspace } from './workspace.js';

export class LocalSandbox implements Sandbox {
  readonly mode = 'none' as const;
  readonly workspace: string;
  readonly workdir: string;
  constructor(workspace: string, private readonly limits: Limits) {
    this.workspace = workspace;
    this.workdir = workspace;
  }

  async exec(req: ExecRequest): Promise<ExecResult> {
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
    return result;
  }

  async cleanup(): Promise<void> {
    await removeWorkspace(this.workspace);
  }
}
