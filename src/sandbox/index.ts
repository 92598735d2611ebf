// Sandbox factory. `bwrap` is the default and refuses to start when the probe fails;
// `none` must be asked for explicitly and is announced loudly.

import { BwrapSandbox } from './bwrap.js';
import { DEFAULT_LIMITS, resolveLimits } from './limits.js';
import { LocalSandbox } from './local.js';
import { probeBwrap, type ProbeResult } from './probe.js';
import { type Limits, type Sandbox, SandboxError, type SandboxMode } from './types.js';
import { createWorkspace, materialise, removeWorkspace } from './workspace.js';

export { BwrapSandbox, bwrapArgs, MAX_QUEUED_RUNS, SANDBOX_ENV, WORKDIR } from './bwrap.js';
export { UidAllocator, hostUids } from './uid-pool.js';
export { DEFAULT_LIMITS, resolveLimits } from './limits.js';
export { LocalSandbox } from './local.js';
export { probeBwrap, probePythonToolchain, type ProbeResult } from './probe.js';
export * from './types.js';
export { checkRelativePath, createWorkspace, materialise } from './workspace.js';
export { listWorkspace, openWorkspaceFile, WorkspaceFsError, type ListedEntry, type WorkspaceListing } from './safe-fs.js';
export { processWorkspaceRoot, sweepStaleWorkspaceRoots } from './workspace-root.js';

let warnedNone = false;

/** Throws SandboxError when bwrap is requested but cannot run here. */
export async function assertSandboxUsable(mode: SandboxMode, probe: () => Promise<ProbeResult> = probeBwrap): Promise<void> {
  if (mode === 'none') {
    if (!warnedNone) {
      warnedNone = true;
      console.warn('WARNING: --sandbox=none: agent code runs as an ordinary subprocess with NO filesystem or network isolation (rlimits and timeouts only).');
    }
    return;
  }
  const p = await probe();
  if (!p.ok) {
    throw new SandboxError(`bubblewrap sandbox unavailable: ${p.reason}. Refusing to run untrusted code; install it (Debian/Ubuntu: apt-get install bubblewrap) and allow unprivileged user namespaces, or start with --sandbox=none to run without isolation.`);
  }
}

export interface OpenSandboxOptions {
  mode: SandboxMode;
  files: { path: string; data: Uint8Array }[];
  limits?: Partial<Limits>;
  /** workspaces go in this process's root under it, <parent>/genegym-ws/<pid>-<random>/ (default os.tmpdir()) */
  parent?: string;
}

/** A fresh workspace with the files in it, behind the requested sandbox. */
export async function openSandbox(opts: OpenSandboxOptions): Promise<Sandbox> {
  await assertSandboxUsable(opts.mode);
  const limits = resolveLimits(DEFAULT_LIMITS, opts.limits);
  const ws = await createWorkspace(opts.parent);
  let sb: Sandbox | null = null;
  try {
    // bwrap: the empty workspace first becomes its own size-capped filesystem (when this host
    // can mount), then the data goes in — staged bytes do not count against the agent's budget
    const stagedBytes = opts.files.reduce((n, f) => n + f.data.byteLength, 0);
    sb = opts.mode === 'bwrap' ? await BwrapSandbox.open({ workspace: ws, limits, stagedBytes }) : new LocalSandbox(ws, limits);
    await materialise(ws, opts.files);
    return sb;
  } catch (err) {
    await (sb ? sb.cleanup() : removeWorkspace(ws));
    throw err;
  }
}
