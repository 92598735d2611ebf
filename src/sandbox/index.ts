// Sandbox factory. `bwrap` is the default and refuses to start when the probe fails;
// `none` must be asked for explicitly and is announced loudly.

import { BwrapSandbox } from './bwrap.js';
import { imageBytes, imagePath } from './disk-quota.js';
import { type DiskLedger, hostDiskLedger } from './disk-ledger.js';
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
export { DiskLedger, hostDiskLedger } from './disk-ledger.js';

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
  /** server-wide disk admission (default: the process's ledger) */
  ledger?: DiskLedger;
}

/** A fresh workspace with the files in it, behind the requested sandbox. */
export async function openSandbox(opts: OpenSandboxOptions): Promise<Sandbox> {
  await assertSandboxUsable(opts.mode);
  const limits = resolveLimits(DEFAULT_LIMITS, opts.limits);
  const stagedBytes = opts.files.reduce((n, f) => n + f.data.byteLength, 0);
  const ledger = opts.ledger ?? hostDiskLedger;
  const ws = await createWorkspace(opts.parent);
  let reservation = null;
  let sb: Sandbox | null = null;
  try {
    // admitted only if the host can hold this workspace full beside every live one
    reservation = await ledger.reserve(ws, imageBytes(limits.diskBytes, stagedBytes));
    // bwrap: the empty workspace first becomes its own size-capped filesystem (when this host
    // can mount), then the data goes in — staged bytes do not count against the agent's budget
    sb = opts.mode === 'bwrap' ? await BwrapSandbox.open({ workspace: ws, limits, stagedBytes }) : new LocalSandbox(ws, limits);
    if (sb instanceof BwrapSandbox && sb.budgets().disk === 'filesystem') reservation.image = imagePath(ws);
    await materialise(ws, opts.files);
  } catch (err) {
    await (sb ? sb.cleanup() : removeWorkspace(ws));
    if (reservation) ledger.release(reservation);
    throw err;
  }
  // the reservation ends with the workspace
  const held = reservation;
  const cleanup = sb.cleanup.bind(sb);
  sb.cleanup = async () => {
    try {
      await cleanup();
    } finally {
      ledger.release(held);
    }
  };
  return sb;
}
