// Bubblewrap sandbox: new user/pid/net/ipc/uts/cgroup namespaces (so no network), read-only
// system directories, the workspace as the only writable bind, a size-capped private /tmp,
// a read-only root, --die-with-parent and --new-session, rlimits set by util-linux `prlimit`
// and, when we run as root, a per-sandbox unprivileged uid via `setpriv` so RLIMIT_NPROC
// counts only this sandbox's processes.

import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { resolveLimits } from './limits.js';
import { runProcess } from './process.js';
import { type ExecRequest, type ExecResult, type Limits, type Sandbox, SandboxError } from './types.js';
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

let uidCounter = 0;
/** An unused-looking uid for this sandbox (root only): a range per server process. */
function sandboxUid(): number {
  uidCounter = (uidCounter + 1) % 4096;
  return 200_000 + (process.pid % 64) * 4096 + uidCounter;
}

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

export interface BwrapSandboxOptions {
  workspace: string;
  limits: Limits;
  bwrapPath?: string;
}

export class BwrapSandbox implements Sandbox {
  readonly mode = 'bwrap' as const;
  readonly workdir = WORKDIR;
  readonly workspace: string;
  private readonly limits: Limits;
  private readonly bwrap: string;
  private readonly uid: number | null;
  private prepared: Promise<void> | null = null;

  constructor(opts: BwrapSandboxOptions) {
    this.workspace = opts.workspace;
    this.limits = opts.limits;
    this.bwrap = opts.bwrapPath ?? 'bwrap';
    this.uid = isRoot() ? sandboxUid() : null;
  }

  private prepare(): Promise<void> {
    this.prepared ??= this.uid === null ? Promise.resolve() : this.handOver(this.uid);
    return this.prepared;
  }

  private async handOver(uid: number): Promise<void> {
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
    await giveTo(this.workspace, uid, uid);
  }

  async exec(req: ExecRequest): Promise<ExecResult> {
    const limits = resolveLimits(this.limits, req.limits);
    try {
      await this.prepare();
    } catch (err) {
      const msg = (err as Error).message;
      return { status: 'sandbox_error', exitCode: null, signal: null, stdout: '', stderr: '', stdoutDropped: 0, stderrDropped: 0, durationMs: 0, sandboxError: msg };
    }
    const nproc = this.uid !== null ? limits.maxProcesses : (await currentUserProcesses()) + limits.maxProcesses;
    const inner = [this.bwrap, ...bwrapArgs(this.workspace, limits), '--', ...req.argv];
    const wrapped = this.uid !== null ? ['setpriv', `--reuid=${this.uid}`, `--regid=${this.uid}`, '--clear-groups', '--', ...inner] : inner;
    const r = await runProcess({
      command: 'prlimit',
      args: [...prlimitArgs(limits, nproc), '--', ...wrapped],
      cwd: this.workspace,
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
      stdin: req.stdin,
      limits,
      signal: req.signal,
      statusFd: true,
    });
    const { statusText, spawnError, ...result } = r;
    // bwrap's status fd gets "exit-code" only when the sandboxed command ran to its end; a run
    // that ended by itself without it failed while bwrap was setting up the sandbox.
    if (!spawnError && result.status === 'ok' && !/"exit-code"/.test(statusText)) {
      return { ...result, status: 'sandbox_error', sandboxError: `bubblewrap failed to start the sandbox: ${result.stderr.trim().slice(0, 500) || `exit ${result.exitCode}`}` };
    }
    const exit = /"exit-code":\s*(\d+)/.exec(statusText);
    if (exit && result.exitCode !== null) result.exitCode = Number(exit[1]);
    return result;
  }

  async cleanup(): Promise<void> {
    await removeWorkspace(this.workspace);
  }
}
