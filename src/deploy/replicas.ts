// `genegym serve --replicas N`: N `genegym serve` processes on one machine (ports from a
// base, loopback only) behind an HAProxy this process starts, configured as a multi-machine
// deployment would be (haproxy-config.ts). Stopping (SIGINT/SIGTERM) drains the replicas
// first, then stops HAProxy, so running calls finish through it.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haproxyConfig, type Backend } from './haproxy-config.js';

export interface ReplicaOptions {
  replicas: number;
  /** where HAProxy listens */
  bind: Backend;
  /** first replica port; replica i listens on basePort + i (127.0.0.1) */
  basePort: number;
  /** `genegym serve` arguments every replica gets (never --port/--host/--api-key) */
  serveArgs: string[];
  /** the command that runs genegym: [executable, ...leading args] */
  genegym?: string[];
  haproxy?: string;
  /** environment of the replicas (the API key travels here, never on a command line) */
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** how long to wait for every replica and HAProxy to answer (default 120 s: environments may load assembly files) */
  startTimeoutMs?: number;
  checkIntervalMs?: number;
}

export interface ReplicaSet {
  /** the load-balanced URL */
  url: string;
  replicas: { port: number; pid: number; process: ChildProcess }[];
  haproxyPid: number;
  configPath: string;
  /** SIGTERM to every replica (each drains), then HAProxy; resolves once all have exited */
  stop(): Promise<void>;
}

/** The genegym command of this process (node [--import tsx] <main script>). */
export function selfCommand(): string[] {
  return [process.execPath, ...process.execArgv, process.argv[1]];
}

export async function startReplicas(o: ReplicaOptions): Promise<ReplicaSet> {
  if (!Number.isInteger(o.replicas) || o.replicas < 1) throw new Error(`--replicas must be a positive integer (got ${o.replicas})`);
  const log = o.log ?? ((l: string) => console.error(l));
  const haproxyBin = o.haproxy ?? 'haproxy';
  const [cmd, ...lead] = o.genegym ?? selfCommand();
  const children: { port: number; pid: number; process: ChildProcess }[] = [];
  let haproxy: ChildProcess | undefined;
  let stopping = false;
  const dir = await mkdtemp(join(tmpdir(), 'genegym-haproxy-'));
  const killAll = () => {
    for (const c of children) c.process.kill('SIGKILL');
    haproxy?.kill('SIGKILL');
  };
  try {
    const backends: Backend[] = [];
    for (let i = 0; i < o.replicas; i++) {
      const port = o.basePort + i;
      backends.push({ host: '127.0.0.1', port });
      const child = spawn(cmd, [...lead, 'serve', '--port', String(port), '--host', '127.0.0.1', ...o.serveArgs], {
        env: o.env ?? process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push({ port, pid: child.pid!, process: child });
      prefixLines(child.stderr!, `replica ${i + 1}: `, log);
      child.on('exit', (code, signal) => {
        if (!stopping) log(`genegym: replica ${i + 1} (port ${port}, pid ${child.pid}) exited (${signal ?? `code ${code}`}); its sessions are lost, HAProxy sends their next requests to another replica, which answers 404`);
      });
    }
    await Promise.all(children.map((c, i) => listening(c.process, `replica ${i + 1} (port ${c.port})`, o.startTimeoutMs ?? 120_000)));

    const configPath = join(dir, 'haproxy.cfg');
    await writeFile(configPath, haproxyConfig({ bind: o.bind, backends, checkIntervalMs: o.checkIntervalMs }));
    // -db: stay in the foreground; -W: master-worker, so SIGUSR1/SIGTERM reach the worker.
    haproxy = spawn(haproxyBin, ['-W', '-db', '-f', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    const spawned = new Promise<void>((resolve, reject) => {
      haproxy!.once('spawn', resolve);
      haproxy!.once('error', (err) => reject(new Error(`cannot start ${haproxyBin}: ${err.message} (install Debian's haproxy package)`)));
    });
    await spawned;
    let haproxyOut = '';
    const keep = (d: Buffer) => void (haproxyOut = (haproxyOut + d).slice(-4000));
    haproxy.stdout!.on('data', keep);
    haproxy.stderr!.on('data', keep);
    const host = o.bind.host.includes(':') ? `[${o.bind.host}]` : o.bind.host;
    const probeHost = o.bind.host === '0.0.0.0' ? '127.0.0.1' : o.bind.host === '::' ? '[::1]' : host;
    await waitHealthy(`http://${probeHost}:${o.bind.port}`, haproxy, () => haproxyOut, o.startTimeoutMs ?? 120_000);
    haproxy.on('exit', (code, signal) => {
      if (!stopping) log(`genegym: haproxy exited (${signal ?? `code ${code}`}): ${haproxyOut.trim()}`);
    });

    let stopped: Promise<void> | undefined;
    const stop = () =>
      (stopped ??= (async () => {
        stopping = true;
        await Promise.all(children.map((c) => exited(c.process, 'SIGTERM')));
        await exited(haproxy!, 'SIGUSR1'); // soft stop: finishes what is in flight
        await rm(dir, { recursive: true, force: true });
      })());
    return { url: `http://${host}:${o.bind.port}`, replicas: children, haproxyPid: haproxy.pid!, configPath, stop };
  } catch (err) {
    stopping = true;
    killAll();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Resolves when the `genegym serve` child prints its URL; rejects if it exits first. */
function listening(child: ChildProcess, name: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs} ms`)), timeoutMs);
    child.stderr!.on('data', (d) => (err = (err + d).slice(-2000)));
    child.stdout!.on('data', (d) => {
      out += d;
      if (/ at http:\/\//.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before serving (${signal ?? `code ${code}`}): ${err.trim()}`));
    });
  });
}

/** Polls url/health until HAProxy answers 200 (every replica is checked up soon after). */
async function waitHealthy(url: string, haproxy: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (haproxy.exitCode !== null || haproxy.signalCode !== null) throw new Error(`haproxy exited: ${output().trim()}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`haproxy at ${url} did not answer /health within ${timeoutMs} ms: ${output().trim()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function exited(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

function prefixLines(stream: NodeJS.ReadableStream, prefix: string, log: (l: string) => void): void {
  let buf = '';
  stream.on('data', (d) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) if (l) log(prefix + l);
  });
}
