// Bubblewrap sandbox: new user/pid/net/ipc/uts/cgroup namespaces (so no network), read-only
// system directories, the workspace as the only writable bind, a size-capped private /tmp,
// a read-only root, --die-with-parent and --new-session, rlimits set by util-linux `prlimit`
// and, when we run as root, a host-wide unique unprivileged uid via `setpriv` (RLIMIT_NPROC
// then counts only this sandbox), a per-session cgroup (memory and process budget) and a
// size-capped workspace filesystem. Runs of one session go one at a time.

import { existsSync } from 'node:fs';
import { chmod, lstat, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { sandboxPrefix, SessionCgroup } from './cgroup.js';
import { imageBytes, mountWorkspaceFs, trimTo, usage } from './disk-quota.js';
import { resolveLimits } from './limits.js';
import { type RunOutcome, runProcess } from './process.js';
import { RunQueue } from './run-queue.js';
import { type ExecRequest, type ExecResult, type Limits, type Sandbox, SandboxError } from './types.js';
import { hostUids, type UidAllocator } from './uid-pool.js';
import { giveTo, removeWorkspace } from './workspace.js';

export const WORKDIR = '/workspace';

/** Environment inside the sandbox: nothing inherited from the server (no keys, no paths). */
export const SANDBOX_ENV: Record<string, string> = {
  PATH: '/usr/bin:/bin',
  HOME: WORKDIR,
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  TMPDIR: '/tmp',
  OPENBLAS_NUM_THREADS: '1',
  OMP_NUM_THREADS: '1',
  MKL_NUM_THREADS: '1',
  MPLBACKEND: 'Agg',
  PYTHONDONTWRITEBYTECODE: '1',
  PYTHONUNBUFFERED: '1',
};

const SYSTEM_BINDS = ['/usr', '/etc/alternatives', '/etc/ld.so.cache', '/etc/ld.so.conf', '/etc/ld.so.conf.d', '/etc/localtime', '/etc/mime.types'];

/** bwrap arguments for one run (exported for tests and for logging). */
export function bwrapArgs(workspace: string, limits: Limits): string[] {
  const a = ['--unshare-all', '--unshare-user', '--die-with-parent', '--new-session', '--disable-userns', '--cap-drop', 'ALL'];
  for (const p of SYSTEM_BINDS) if (existsSync(p)) a.push('--ro-bind', p, p);
  // merged-/usr layout: /bin, /lib... are symlinks into /usr on Debian 12
  for (const [link, target] of [['/bin', 'usr/bin'], ['/sbin', 'usr/sbin'], ['/lib', 'usr/lib'], ['/lib64', 'usr/lib64'], ['/lib32', 'usr/lib32']]) {
    if (existsSync(`/usr/${target.slice(4)}`)) a.push('--symlink', target, link);
  }
  // /usr/local is machine-specific (site installs, tools of the host): hidden, so the toolchain
  // inside is Debian's and the same on every machine.
  if (existsSync('/usr/local')) a.push('--tmpfs', '/usr/local', '--remount-ro', '/usr/local');
  a.push('--proc', '/proc', '--dev', '/dev');
  a.push('--size', String(limits.tmpBytes), '--tmpfs', '/tmp');
  a.push('--bind', workspace, WORKDIR, '--chdir', WORKDIR);
  a.push('--remount-ro', '/');
  a.push('--clearenv');
  for (const [k, v] of Object.entries(SANDBOX_ENV)) a.push('--setenv', k, v);
  a.push('--json-status-fd', '3');
  return a;
}

export function prlimitArgs(limits: Limits, nproc: number): string[] {
  return [
    `--as=${limits.memoryBytes}`,
    `--cpu=${limits.cpuSeconds}`,
    `--nproc=${nproc}`,
    `--fsize=${limits.fileSizeBytes}`,
    `--nofile=${limits.openFiles}`,
    '--core=0',
  ];
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Processes the current user already has (RLIMIT_NPROC counts them too when not root). */
async function currentUserProcesses(): Promise<number> {
  const uid = process.getuid?.() ?? -1;
  let n = 0;
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const s = await readFile(`/proc/${e}/status`, 'utf8');
      const m = /^Uid:\s+(\d+)/m.exec(s);
      if (m && Number(m[1]) === uid) n++;
    } catch {
      /* exited */
    }
  }
  return n;
}

/** Runs waiting behind the current one before further calls are refused. */
export const MAX_QUEUED_RUNS = 8;
/** How often the fallback disk budget measures the workspace during a run. */
const DISK_POLL_MS = 500;

export interface BwrapSandboxOptions {
  workspace: string;
  limits: Limits;
  bwrapPath?: string;
  /** where sandbox uids come from (default: this server's host-wide block) */
  uids?: UidAllocator;
}

const noRun = (why: string, fault: 'agent' | 'infrastructure', status: ExecResult['status'] = 'sandbox_error'): ExecResult => ({
  status, exitCode: null, signal: null, stdout: '', stderr: '', stdoutDropped: 0, stderrDropped: 0, durationMs: 0,
  ...(status === 'sandbox_error' ? { sandboxError: why, fault } : {}),
});

export class BwrapSandbox implements Sandbox {
  readonly mode = 'bwrap' as const;
  readonly workdir = WORKDIR;
  readonly workspace: string;
  /** the unprivileged uid the sandbox runs as (root only), unique on this host */
  readonly uid: number | null;
  private readonly limits: Limits;
  private readonly bwrap: string;
  private readonly uidSource: UidAllocator | null;
  private readonly queue = new RunQueue(MAX_QUEUED_RUNS);
  private prepared: Promise<void> | null = null;
  private cgroup: SessionCgroup | null = null;
  /** true when the workspace is its own size-capped filesystem */
  private diskMounted = false;
  private diskBaseline: number | null = null;

  constructor(opts: BwrapSandboxOptions) {
    this.workspace = opts.workspace;
    this.limits = opts.limits;
    this.bwrap = opts.bwrapPath ?? 'bwrap';
    this.uidSource = isRoot() ? (opts.uids ?? hostUids()) : null;
    this.uid = this.uidSource ? this.uidSource.acquire() : null;
  }

  /** A sandbox whose (empty) workspace becomes a filesystem of limits.diskBytes + staged bytes. */
  static async open(opts: BwrapSandboxOptions & { stagedBytes: number }): Promise<BwrapSandbox> {
    const sb = new BwrapSandbox(opts);
    if (sb.uid !== null) sb.diskMounted = await mountWorkspaceFs(sb.workspace, imageBytes(sb.limits.diskBytes, opts.stagedBytes), sb.uid, sb.uid);
    return sb;
  }

  /** How the session budgets are enforced here (for logs and tests). */
  budgets(): { disk: 'filesystem' | 'measured'; cgroup: 'v1' | 'v2' | null } {
    return { disk: this.diskMounted ? 'filesystem' : 'measured', cgroup: this.cgroup?.kind ?? null };
  }

  private prepare(): Promise<void> {
    this.prepared ??= this.setUp();
    return this.prepared;
  }

  private async setUp(): Promise<void> {
    if (this.uid === null) return;
    // bwrap runs as the sandbox uid, which must be able to reach the workspace to bind it.
    let dir = dirname(resolve(this.workspace));
    for (;;) {
      const st = await stat(dir);
      if ((st.mode & 0o001) === 0) {
        throw new SandboxError(`workspace parent ${dir} is not searchable by other users (mode ${(st.mode & 0o777).toString(8)}); the sandbox user cannot reach the workspace. Use a parent like /tmp or chmod o+x ${dir}.`);
      }
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    this.cgroup = await SessionCgroup.create(this.limits.sessionMemoryBytes, this.limits.sessionProcesses);
  }

  /** Owner and mode of the workspace as the sandbox needs them, whatever the last run did. */
  private async restore(): Promise<void> {
    try {
      if (this.uid !== null) await giveTo(this.workspace, this.uid, this.uid);
      else await chmod(this.workspace, 0o700);
    } catch {
      /* judged by whether the sandbox then starts */
    }
  }

  async exec(req: ExecRequest): Promise<ExecResult> {
    const turn = await this.queue.turn(req.signal);
    if (turn === 'aborted') return noRun('', 'agent', 'aborted');
    if (turn === 'full') {
      return noRun(`too many runs waiting in this session: runs execute one at a time and at most ${MAX_QUEUED_RUNS} may wait; wait for earlier ones to finish`, 'agent');
    }
    try {
      return await this.execNow(req);
    } finally {
      this.queue.release();
    }
  }

  private async execNow(req: ExecRequest): Promise<ExecResult> {
    const limits = resolveLimits(this.limits, req.limits);
    try {
      await this.prepare();
    } catch (err) {
      return noRun((err as Error).message, 'infrastructure');
    }
    await this.restore();
    const owner = this.uid; // whose files count against the disk budget (staged data is root's)
    if (!this.diskMounted && this.diskBaseline === null) this.diskBaseline = owner === null ? (await usage(this.workspace, null)).bytes : 0;
    const overDisk = async () => (await usage(this.workspace, owner)).bytes - this.diskBaseline! > limits.diskBytes;

    let diskHit = false;
    const stop = new AbortController();
    const poll = this.diskMounted
      ? null
      : setInterval(() => {
          overDisk().then((over) => {
            if (over && !diskHit) {
              diskHit = true;
              stop.abort();
            }
          }, () => undefined);
        }, DISK_POLL_MS);
    const oomBefore = (await this.cgroup?.oomKills()) ?? 0;
    let r: RunOutcome;
    try {
      r = await this.launch(this.workspace, req.argv, req.stdin, limits, req.signal ? AbortSignal.any([req.signal, stop.signal]) : stop.signal);
    } finally {
      if (poll) clearInterval(poll);
      await this.cgroup?.killAll();
      await this.restore(); // no agent-set mode (0777...) outlives its run on the host
    }
    const { statusText, spawnError, ...result } = r;
    if (spawnError) return { ...result, status: 'sandbox_error', sandboxError: spawnError, fault: 'infrastructure' };
    if (this.cgroup && (await this.cgroup.oomKills()) > oomBefore) result.budget = 'memory';
    if (!this.diskMounted && (diskHit || (await overDisk()))) {
      await trimTo(this.workspace, owner, limits.diskBytes, this.diskBaseline!);
      result.budget = 'disk';
      if (diskHit && !req.signal?.aborted) result.status = 'aborted';
    }
    // bwrap's status fd gets "exit-code" only when the sandboxed command ran to its end; a run
    // that ended by itself without it failed while bwrap was setting up the sandbox.
    if (result.status === 'ok' && !/"exit-code"/.test(statusText) && result.budget !== 'memory') {
      const why = result.stderr.split(this.workspace).join(WORKDIR).trim().slice(0, 500) || `exit ${result.exitCode}`;
      // Same uid, cgroup, limits and bwrap in a fresh empty directory: if that starts, the
      // machinery is sound and the workspace's state (the agent's doing) is the cause.
      // (A workspace that is gone was removed by us — the agent cannot reach its parent.)
      const exists = await lstat(this.workspace).then(() => true, () => false);
      if (exists && (await this.machineryWorks(limits))) {
        return {
          ...result, status: 'sandbox_error', fault: 'agent',
          sandboxError: `the sandbox could not start with your workspace as it is now (${why}). The sandbox itself works — checked with an empty workspace — so something done to /workspace (its permissions, attributes or contents) prevents it; undo that.`,
        };
      }
      return { ...result, status: 'sandbox_error', fault: 'infrastructure', sandboxError: `bubblewrap failed to start the sandbox: ${why}` };
    }
    const exit = /"exit-code":\s*(\d+)/.exec(statusText);
    if (exit && result.exitCode !== null) result.exitCode = Number(exit[1]);
    return result;
  }

  private async launch(dir: string, argv: string[], stdin: string | Uint8Array | undefined, limits: Limits, signal?: AbortSignal): Promise<RunOutcome> {
    const nproc = this.uid !== null ? Math.min(limits.maxProcesses, limits.sessionProcesses) : (await currentUserProcesses()) + limits.maxProcesses;
    // Without a cgroup the session's memory budget can only cap each process's address space.
    const rl = this.cgroup ? limits : { ...limits, memoryBytes: Math.min(limits.memoryBytes, limits.sessionMemoryBytes) };
    const inner = [this.bwrap, ...bwrapArgs(dir, limits), '--', ...argv];
    const asUser = this.uid !== null ? ['setpriv', `--reuid=${this.uid}`, `--regid=${this.uid}`, '--clear-groups', '--', ...inner] : inner;
    const full = [...sandboxPrefix(this.cgroup), 'prlimit', ...prlimitArgs(rl, nproc), '--', ...asUser];
    return runProcess({
      command: full[0],
      args: full.slice(1),
      cwd: '/', // the workspace is the agent's: its state must not stop the wrapper from starting
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
      stdin,
      limits,
      signal,
      statusFd: true,
    });
  }

  private async machineryWorks(limits: Limits): Promise<boolean> {
    let dir: string | null = null;
    try {
      dir = await mkdtemp(join(dirname(resolve(this.workspace)), 'genegym-probe-'));
      if (this.uid !== null) await giveTo(dir, this.uid, this.uid);
      const r = await this.launch(dir, ['/bin/true'], undefined, { ...limits, timeoutMs: Math.min(limits.timeoutMs, 20_000) });
      return !r.spawnError && r.status === 'ok' && /"exit-code":\s*0\b/.test(r.statusText);
    } catch {
      return false;
    } finally {
      await this.cgroup?.killAll();
      if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  async cleanup(): Promise<void> {
    await this.cgroup?.remove();
    this.cgroup = null;
    await removeWorkspace(this.workspace);
    if (this.uid !== null) this.uidSource?.release(this.uid);
  }
}
