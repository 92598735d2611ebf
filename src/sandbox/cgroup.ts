// Per-session process and memory budget through cgroups, nested under the server's own cgroup
// (so whatever limits the host put on the server still apply). cgroup v2 is used when the
// server's cgroup already delegates the memory and pids controllers to children; otherwise the
// v1 memory and pids hierarchies when they are mounted and writable (hybrid hosts); otherwise
// none — the caller then falls back to rlimits (see README: the gap).
//
// Processes join before they exec anything (a root `sh` writes its own pid into cgroup.procs,
// then execs the sandbox), so no child can start outside the group.

import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

type Layout = { kind: 'v2'; base: string } | { kind: 'v1'; memory: string; pids: string };

interface CgroupLine {
  controllers: string[];
  path: string;
}

function ownCgroups(): CgroupLine[] {
  return readFileSync('/proc/self/cgroup', 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const [, ctl, path] = /^\d+:([^:]*):(.*)$/.exec(l) ?? [];
      return { controllers: (ctl ?? '').split(',').filter(Boolean), path: path ?? '/' };
    });
}

/** cgroup mount points from mountinfo: fstype and super options (controllers for v1). */
function cgroupMounts(): { fstype: string; point: string; opts: string[] }[] {
  const out = [];
  for (const l of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [pre, post] = l.split(' - ');
    if (!post) continue;
    const [fstype, , superOpts] = post.split(' ');
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    out.push({ fstype, point: pre.split(' ')[4], opts: (superOpts ?? '').split(',') });
  }
  return out;
}

function detect(): Layout | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const own = ownCgroups();
    const mounts = cgroupMounts();
    const v2 = mounts.find((m) => m.fstype === 'cgroup2');
    const v2path = own.find((c) => c.controllers.length === 0 && c.path !== undefined);
    if (v2 && v2path) {
      const base = join(v2.point, v2path.path);
      try {
        const delegated = readFileSync(join(base, 'cgroup.subtree_control'), 'utf8').split(/\s+/);
        if (delegated.includes('memory') && delegated.includes('pids')) return { kind: 'v2', base };
      } catch {
        /* not readable: try v1 */
      }
    }
    const v1 = (ctl: string) => {
      const m = mounts.find((x) => x.fstype === 'cgroup' && x.opts.includes(ctl));
      const c = own.find((x) => x.controllers.includes(ctl));
      return m && c ? join(m.point, c.path) : null;
    };
    const memory = v1('memory');
    const pids = v1('pids');
    if (memory && pids) return { kind: 'v1', memory, pids };
  } catch {
    /* no /proc or unusual layout */
  }
  return null;
}

let layout: Layout | null | undefined;
export function cgroupLayout(): Layout | null {
  if (layout === undefined) {
    layout = detect();
    if (layout) sweepStale(layout);
  }
  return layout;
}

const NAME = /^genegym-(\d+)-\d+$/;
const live = new Set<string>();

/** Best effort, synchronous: kill what is left in a cgroup directory and remove it. */
function dropSync(dir: string): void {
  try {
    for (const l of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) {
      if (l.trim()) {
        try {
          process.kill(Number(l), 'SIGKILL');
        } catch {
          /* exited */
        }
      }
    }
    rmdirSync(dir);
  } catch {
    /* busy or gone */
  }
}

/** Session cgroups left by servers that died (their pid is gone) are removed. */
function sweepStale(l: Layout): void {
  for (const parent of l.kind === 'v2' ? [l.base] : [l.memory, l.pids]) {
    let names: string[] = [];
    try {
      names = readdirSync(parent);
    } catch {
      continue;
    }
    for (const n of names) {
      const m = NAME.exec(n);
      if (m && Number(m[1]) !== process.pid && !existsSync(`/proc/${m[1]}`)) dropSync(join(parent, n));
    }
  }
}

let exitHook = false;
function track(dirs: string[]): void {
  for (const d of dirs) live.add(d);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => [...live].reverse().forEach(dropSync));
  }
}

let serial = 0;

export class SessionCgroup {
  private constructor(
    private readonly dirs: string[],
    /** the files a process writes its pid into to join */
    readonly procsFiles: string[],
    private readonly eventsFile: string,
    readonly kind: 'v1' | 'v2',
  ) {}

  /** A fresh cgroup with the session's budgets, or null when cgroups are not usable here. */
  static async create(memoryBytes: number, processes: number): Promise<SessionCgroup | null> {
    const l = cgroupLayout();
    if (!l) return null;
    const name = `genegym-${process.pid}-${++serial}`;
    const made: string[] = [];
    try {
      if (l.kind === 'v2') {
        const dir = join(l.base, name);
        await mkdir(dir);
        made.push(dir);
        await writeFile(join(dir, 'memory.max'), String(memoryBytes));
        await writeFile(join(dir, 'memory.swap.max'), '0').catch(() => undefined);
        await writeFile(join(dir, 'pids.max'), String(processes));
        track(made);
        return new SessionCgroup(made, [join(dir, 'cgroup.procs')], join(dir, 'memory.events'), 'v2');
      }
      const mem = join(l.memory, name);
      const pids = join(l.pids, name);
      await mkdir(mem);
      made.push(mem);
      await mkdir(pids);
      made.push(pids);
      await writeFile(join(mem, 'memory.limit_in_bytes'), String(memoryBytes));
      // without swap accounting this file is absent; with it, swap may not extend the limit
      await writeFile(join(mem, 'memory.memsw.limit_in_bytes'), String(memoryBytes)).catch(() => undefined);
      await writeFile(join(pids, 'pids.max'), String(processes));
      track(made);
      return new SessionCgroup(made, [join(mem, 'cgroup.procs'), join(pids, 'cgroup.procs')], join(mem, 'memory.oom_control'), 'v1');
    } catch (err) {
      for (const d of made.reverse()) await rmdir(d).catch(() => undefined);
      warnOnce(`cgroups unusable (${(err as Error).message}); per-session memory and process budgets fall back to rlimits`);
      return null;
    }
  }

  /** argv prefix that joins this cgroup and then execs the rest (runs as root). */
  joinPrefix(): string[] {
    const script = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; exec "$@"';
    return ['/bin/sh', '-c', script, 'cgroup-join', String(this.procsFiles.length), ...this.procsFiles];
  }

  /** Processes the kernel's OOM killer ended in this cgroup so far. */
  async oomKills(): Promise<number> {
    try {
      const m = /^oom_kill (\d+)/m.exec(await readFile(this.eventsFile, 'utf8'));
      return m ? Number(m[1]) : 0;
    } catch {
      return 0;
    }
  }

  async pids(): Promise<number[]> {
    const out = new Set<number>();
    for (const f of this.procsFiles) {
      const text = await readFile(f, 'utf8').catch(() => '');
      for (const l of text.split('\n')) if (l.trim()) out.add(Number(l));
    }
    return [...out];
  }

  /** Kills everything still in the cgroup (nothing of a finished run may linger). */
  async killAll(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      const pids = await this.pids();
      if (pids.length === 0) return;
      for (const p of pids) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          /* exited */
        }
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async remove(): Promise<void> {
    await this.killAll();
    for (const d of [...this.dirs].reverse()) {
      for (let i = 0; i < 40; i++) {
        try {
          await rmdir(d);
          live.delete(d);
          break;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') {
            live.delete(d);
            break;
          }
          if (code !== 'EBUSY' || i === 39) {
            warnOnce(`could not remove cgroup ${d}: ${(err as Error).message}`);
            break;
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }
  }
}

const warned = new Set<string>();
function warnOnce(msg: string): void {
  if (warned.has(msg)) return;
  warned.add(msg);
  console.warn(`sandbox: ${msg}`);
}
