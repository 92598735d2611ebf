// Per-session process and memory budget through cgroups, nested under the server's own cgroup
// (so whatever limits the host put on the server still apply). cgroup v2 is used when the
// server's cgroup already delegates the memory and pids controllers to children; otherwise the
// v1 memory and pids hierarchies when they are mounted and writable (hybrid hosts); otherwise
// none — the caller then falls back to rlimits (see README: the gap).
//
// Session cgroups sit inside one server-wide group, genegym-<pid>-sandboxes, whose caps bound all
// sandboxes together (GENEGYM_SANDBOX_MEMORY_TOTAL bytes, default 85% of RAM;
// GENEGYM_SANDBOX_PROCESSES_TOTAL, default 16384), so many sessions at their budgets cannot take the
// server's memory or the host's process table. Sandbox processes also ask the OOM killer to take
// them first (oom_score_adj 1000), cgroups or not.
//
// Processes join before they exec anything (a root `sh` writes its own pid into cgroup.procs,
// then execs the sandbox), so no child can start outside the group.

import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { totalmem } from 'node:os';
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

const NAME = /^genegym-(\d+)-(?:\d+|sandboxes)$/;
const live = new Set<string>();

/** Best effort, synchronous: kill what is left in a cgroup directory (and its genegym children) and remove it. */
function dropSync(dir: string): void {
  try {
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory() && e.name.startsWith('genegym-')) dropSync(join(dir, e.name));
  } catch {
    /* gone */
  }
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

/** The server-wide caps on all sandboxes together, from the environment. */
export function serverSandboxCaps(env: NodeJS.ProcessEnv = process.env): { memoryBytes: number; processes: number } {
  const num = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const v = Number(raw);
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
    return v;
  };
  return { memoryBytes: num('GENEGYM_SANDBOX_MEMORY_TOTAL', Math.floor(totalmem() * 0.85)), processes: num('GENEGYM_SANDBOX_PROCESSES_TOTAL', 16_384) };
}

/** mkdir that accepts an existing directory; removed at exit like the session groups. */
async function makeTracked(dir: string): Promise<void> {
  await mkdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
  track([dir]);
}

let serverGroup: Promise<Layout> | null = null;
/** The layout with every path one level down, in this server's capped sandboxes group (made once). */
function sandboxesGroup(l: Layout): Promise<Layout> {
  serverGroup ??= (async () => {
    const caps = serverSandboxCaps();
    const name = `genegym-${process.pid}-sandboxes`;
    if (l.kind === 'v2') {
      const dir = join(l.base, name);
      await makeTracked(dir);
      await writeFile(join(dir, 'memory.max'), String(caps.memoryBytes));
      await writeFile(join(dir, 'pids.max'), String(caps.processes));
      await writeFile(join(dir, 'cgroup.subtree_control'), '+memory +pids');
      return { kind: 'v2', base: dir };
    }
    const mem = join(l.memory, name);
    const pids = join(l.pids, name);
    await makeTracked(mem);
    await makeTracked(pids);
    await writeFile(join(mem, 'memory.limit_in_bytes'), String(caps.memoryBytes));
    await writeFile(join(pids, 'pids.max'), String(caps.processes));
    return { kind: 'v1', memory: mem, pids };
  })();
  serverGroup.catch(() => {
    serverGroup = null; // retried by the next session
  });
  return serverGroup;
}

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
    const host = cgroupLayout();
    if (!host) return null;
    let l: Layout;
    try {
      l = await sandboxesGroup(host);
    } catch (err) {
      warnOnce(`cgroups unusable (${(err as Error).message}); per-session memory and process budgets fall back to rlimits`);
      return null;
    }
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
    return sandboxPrefix(this);
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

/**
 * argv prefix for every sandbox launch: marks the process (and so all it starts) as the OOM
 * killer's first choice, joins the session's cgroup when there is one, then execs the rest.
 */
export function sandboxPrefix(cg: SessionCgroup | null): string[] {
  const script = 'echo 1000 > /proc/self/oom_score_adj 2>/dev/null; n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n-1)); done; exec "$@"';
  const files = cg?.procsFiles ?? [];
  return ['/bin/sh', '-c', script, 'sandbox-join', String(files.length), ...files];
}

const warned = new Set<string>();
function warnOnce(msg: string): void {
  if (warned.has(msg)) return;
  warned.add(msg);
  console.warn(`sandbox: ${msg}`);
}
