// ORS throughput benchmark: `npm run bench:ors`.
//
// Measures tool calls per second and p50/p99 latency of a trivial tool at 1, 64 and 256
// concurrent sessions against our ORS server on loopback, and the same load against a bare
// fastify route that streams one SSE event (the floor any SSE-over-HTTP server pays). The
// servers run in a child process; this process is only the load generator (raw node:http with
// a keep-alive Agent, one connection per session). A third target drives the ORS server
// through OrsClient (global fetch) to show what the client itself costs.
//
// The targets are measured in interleaved slices (ORS, bare, client, ORS, bare, ...) so that
// background load on a shared machine hits them alike, and the server process's CPU time per
// call is reported too: unlike calls/s it hardly depends on what else the machine is doing.
// Bounded: BENCH_SLICES slices of BENCH_SLICE_SECONDS per target and concurrency (default
// 6 × 1 s) after a warm-up slice, and at most MAX_CALLS_PER_SLICE calls per slice.
// BENCH_CONCURRENCY=1,64 picks the session counts; BENCH_PROFILE=<dir> profiles the server.

import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { OrsClient, type OrsSession } from '../src/ors/client/index.js';
import { SseParser } from '../src/ors/client/sse.js';

const SLICE_SECONDS = Number(process.env.BENCH_SLICE_SECONDS ?? 1);
const SLICES = Number(process.env.BENCH_SLICES ?? 6);
const MAX_CALLS_PER_SLICE = 200_000;
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,64,256').split(',').map(Number);

const TARGETS = ['ORS /call (our server)', 'bare fastify SSE route', 'ORS via OrsClient (fetch)'] as const;
type Target = (typeof TARGETS)[number];

interface Tally {
  latencies: number[];
  seconds: number;
  failures: number;
  serverCpuMicros: number;
  /** calls/s and server CPU µs/call of each measured slice, for per-round ratios */
  slices: Array<{ perSecond: number; cpuPerCall: number }>;
}

/** One request through a keep-alive agent; resolves with the whole body text. */
function post(agent: Agent, url: URL, path: string, headers: Record<string, string>, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path,
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`HTTP ${res.statusCode}: ${text}`))));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** True when a whole SSE response (chunk…end) carries a successful echo of `expect`. */
function checkResult(text: string, expect: string): boolean {
  const parser = new SseParser();
  let payload = '';
  let ended = false;
  for (const ev of parser.push(text)) {
    if (ev.event === 'chunk') payload += ev.data;
    if (ev.event === 'end') {
      payload += ev.data;
      ended = true;
    }
  }
  if (!ended) return false;
  const out = JSON.parse(payload) as { ok: boolean; output?: { blocks: Array<{ text?: string }> } };
  return out.ok === true && out.output?.blocks[0]?.text === expect;
}

type CallFn = (worker: number, i: number) => Promise<boolean>;

/** `concurrency` workers in a closed loop for one slice; adds what it measured to `tally`. */
async function slice(concurrency: number, call: CallFn, tally: Tally | null, serverCpu: () => Promise<number>): Promise<void> {
  let count = 0;
  const cpu0 = await serverCpu();
  const start = performance.now();
  const end = start + SLICE_SECONDS * 1000;
  let last = start;
  const worker = async (w: number) => {
    for (let i = 0; performance.now() < end && count < MAX_CALLS_PER_SLICE; i++) {
      const t0 = performance.now();
      let ok = false;
      try {
        ok = await call(w, i);
      } catch {
        ok = false;
      }
      const t1 = performance.now();
      count++;
      last = Math.max(last, t1);
      if (!tally) continue;
      if (ok) tally.latencies.push(t1 - t0);
      else tally.failures++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const cpu1 = await serverCpu();
  if (tally) {
    const seconds = (last - start) / 1000;
    tally.seconds += seconds;
    tally.serverCpuMicros += cpu1 - cpu0;
    tally.slices.push({ perSecond: count / seconds, cpuPerCall: (cpu1 - cpu0) / Math.max(1, count) });
  }
}

function askCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (m: unknown) => {
      if (m && typeof m === 'object' && 'cpuMicros' in m) {
        child.off('message', onMessage);
        resolve((m as { cpuMicros: number }).cpuMicros);
      }
    };
    child.on('message', onMessage);
    child.send('cpu');
  });
}

interface Row {
  target: Target;
  sessions: number;
  calls: number;
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
  serverCpuMicrosPerCall: number;
}

async function main(): Promise<void> {
  const child = fork(fileURLToPath(new URL('./ors-bench-target.ts', import.meta.url)), [], {
    // BENCH_PROFILE=<dir> writes a V8 CPU profile of the server process there.
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const urls = await new Promise<{ orsUrl: string; bareUrl: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { orsUrl: string; bareUrl: string }));
    child.once('exit', (code) => reject(new Error(`bench server exited early (code ${code})`)));
  });
  const serverCpu = () => askCpu(child);
  const rows: Row[] = [];
  const ratios: Ratio[] = [];
  try {
    const orsUrl = new URL(urls.orsUrl);
    const bareUrl = new URL(urls.bareUrl);
    const env = new OrsClient({ baseUrl: urls.orsUrl, pingIntervalMs: 0 }).environment('bench');
    const body = (w: number, i: number) => JSON.stringify({ name: 'echo', input: { text: `w${w}-${i}` } });

    for (const c of CONCURRENCY) {
      // Sessions are opened before the clock starts; only tool calls are timed.
      const sessions: OrsSession[] = await Promise.all(Array.from({ length: c }, () => env.session({ split: 'train', index: 0 })));
      await Promise.all(sessions.map((s) => s.prompt())); // setup has finished
      const orsAgent = new Agent({ keepAlive: true, maxSockets: c });
      const bareAgent = new Agent({ keepAlive: true, maxSockets: c });
      const calls: Record<Target, CallFn> = {
        'ORS /call (our server)': async (w, i) =>
          checkResult(await post(orsAgent, orsUrl, '/bench/call', { 'x-session-id': sessions[w].sid, accept: 'text/event-stream' }, body(w, i)), `w${w}-${i}`),
        'bare fastify SSE route': async (w, i) =>
          checkResult(await post(bareAgent, bareUrl, '/sse', { accept: 'text/event-stream' }, body(w, i)), `w${w}-${i}`),
        'ORS via OrsClient (fetch)': async (w, i) => {
          const out = await sessions[w].call('echo', { text: `w${w}-${i}` });
          return out.ok && out.output.blocks[0].type === 'text' && out.output.blocks[0].text === `w${w}-${i}`;
        },
      };
      const tallies = new Map<Target, Tally>(TARGETS.map((t) => [t, { latencies: [], seconds: 0, failures: 0, serverCpuMicros: 0, slices: [] }]));
      for (const t of TARGETS) await slice(c, calls[t], null, serverCpu); // warm-up
      for (let r = 0; r < SLICES; r++) {
        for (const t of TARGETS) await slice(c, calls[t], tallies.get(t)!, serverCpu);
      }
      for (const t of TARGETS) rows.push(toRow(t, c, tallies.get(t)!));
      ratios.push({ sessions: c, ...roundRatios(tallies.get('ORS /call (our server)')!, tallies.get('bare fastify SSE route')!) });
      orsAgent.destroy();
      bareAgent.destroy();
      await Promise.all(sessions.map((s) => s.close()));
    }
  } finally {
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
  }
  printTable(rows, ratios);
}

interface Ratio {
  sessions: number;
  /** median over rounds of bare calls/s ÷ ORS calls/s, and its range */
  throughput: number[];
  /** median over rounds of ORS server CPU per call ÷ bare */
  cpu: number[];
}

/** Per-round overhead ratios (adjacent slices share the background load), summarised. */
function roundRatios(ors: Tally, bare: Tally): Omit<Ratio, 'sessions'> {
  const n = Math.min(ors.slices.length, bare.slices.length);
  const throughput: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    throughput.push(bare.slices[i].perSecond / ors.slices[i].perSecond);
    cpu.push(ors.slices[i].cpuPerCall / bare.slices[i].cpuPerCall);
  }
  return { throughput: throughput.sort((a, b) => a - b), cpu: cpu.sort((a, b) => a - b) };
}

function median(sorted: number[]): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

function toRow(target: Target, sessions: number, t: Tally): Row {
  const lat = t.latencies.sort((a, b) => a - b);
  const pct = (p: number) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] : NaN);
  const calls = lat.length;
  return {
    target,
    sessions,
    calls,
    perSecond: calls / t.seconds,
    p50: pct(0.5),
    p99: pct(0.99),
    failures: t.failures,
    serverCpuMicrosPerCall: t.serverCpuMicros / Math.max(1, calls + t.failures),
  };
}

function printTable(rows: Row[], ratios: Ratio[]): void {
  const cpu = os.cpus();
  console.log(`\nORS benchmark: ${cpu.length} CPU (${cpu[0]?.model.trim()}), Node ${process.version}, load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`${SLICES} interleaved slices of ${SLICE_SECONDS} s per row after a warm-up slice; trivial tool "echo"; servers in a child process, load generator here.\n`);
  console.log('| target | sessions | calls | calls/s | p50 ms | p99 ms | server CPU µs/call | failures |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.target} | ${r.sessions} | ${r.calls} | ${Math.round(r.perSecond)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${Math.round(r.serverCpuMicrosPerCall)} | ${r.failures} |`,
    );
  }
  console.log('\nORS overhead against the bare route, median over rounds [min–max]:\n');
  console.log('| sessions | calls/s (bare ÷ ORS) | server CPU per call (ORS ÷ bare) |');
  console.log('|---:|---:|---:|');
  const fmt = (v: number[]) => `${median(v).toFixed(2)}× [${v[0].toFixed(2)}–${v[v.length - 1].toFixed(2)}]`;
  for (const r of ratios) console.log(`| ${r.sessions} | ${fmt(r.throughput)} | ${fmt(r.cpu)} |`);
}

await main();
