// Scaling across replicas: `npm run bench:scale`.
//
// The same load at 1 and 2 `genegym serve` replicas behind HAProxy on this machine
// (src/deploy/replicas.ts, the `serve --replicas` code path), measured in interleaved slices
// (1, 2, 1, 2, ...) so background load hits both alike:
//   - a CPU-bound workload: genome-qa `fetch_url` of long sequence pages from the offline
//     mirror (a 200 kb window, read and paged by the server), BENCH_SESSIONS sessions each
//     calling in a loop; calls/s, p50/p99 and the 2-replica ÷ 1-replica calls/s ratio;
//   - a sandbox workload: case-studies `run_python` running a fixed numpy computation,
//     BENCH_PY_SESSIONS sessions (the work runs in sandboxed child processes, which one replica
//     already spreads over every core, so replicas are not expected to add much here);
//   - HAProxy's overhead on the arithmetic calculator (a trivial tool), through HAProxy in front
//     of one replica vs the same replica directly, two ways: latency at the same moderate offered
//     load (paced Node loops, BENCH_PACED_RATE calls/s in all, well under what one replica serves:
//     the goal's measure), and calls/s and latency at saturation (closed loops).
// The load generator shares the machine with the servers, so the ratio understates what replicas
// on separate cores or machines give. With `wrk` installed (Debian: apt-get install wrk) the
// fetch_url and calculator loads come from wrk (C, epoll; far less CPU per call than Node's fetch)
// with a Lua script giving each session its own thread and connection; BENCH_LOADGEN=node forces the Node loops.
// run_python always uses the Node loops (one call at a time per session). The load average is
// printed before and after: numbers taken on a busy machine are not scaling numbers.
// Env: BENCH_SLICES (default 6), BENCH_SLICE_SECONDS (2), BENCH_SESSIONS (16), BENCH_PAGE_BP (200000),
// BENCH_PY_SESSIONS (8; 0 skips the run_python workload), BENCH_LOADGEN (wrk when installed, else node),
// BENCH_PACED_RATE (800).

import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startReplicas, type ReplicaSet } from '../src/deploy/replicas.js';
import { openAssembly } from '../src/genome/assembly.js';
import { ensureDemoAssembly } from '../src/genome/demo/index.js';
import { freePortRun } from '../src/deploy/ports.js';

const SLICES = Number(process.env.BENCH_SLICES ?? 6);
const SLICE_SECONDS = Number(process.env.BENCH_SLICE_SECONDS ?? 2);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 16);
const PAGE_BP = Number(process.env.BENCH_PAGE_BP ?? 200_000);
const PY_SESSIONS = Number(process.env.BENCH_PY_SESSIONS ?? 8);
const PACED_RATE = Number(process.env.BENCH_PACED_RATE ?? 800);
const SETTLE_MS = 500;
const haveWrk = (() => {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    return (err as { status?: number }).status !== undefined; // wrk --version exits 1 but runs
  }
})();
const LOADGEN = process.env.BENCH_LOADGEN ?? (haveWrk ? 'wrk' : 'node');
if (LOADGEN === 'wrk' && !haveWrk) throw new Error('BENCH_LOADGEN=wrk but wrk is not installed (apt-get install wrk)');
const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`bench:scale on ${os.cpus().length} cores, load average ${load()} (1/5/15 min); ${SLICES} slices × ${SLICE_SECONDS} s, ${SESSIONS} sessions; load generator ${LOADGEN}`);


async function replicas(n: number): Promise<ReplicaSet> {
  const base = await freePortRun(n + 1);
  return startReplicas({
    replicas: n,
    bind: { host: '127.0.0.1', port: base },
    basePort: base + 1,
    serveArgs: ['--env', PY_SESSIONS > 0 ? 'genome-qa,arithmetic,case-studies' : 'genome-qa,arithmetic', '--max-sessions', '10000'],
    genegym: [process.execPath, '--import', 'tsx', main],
    log: (l) => console.error(l),
  });
}

type Call = { name: string; input: Record<string, unknown> };

/** Opens a session (create_session, then create with the minted id) and returns its id. */
async function open(url: string, env: string, index: number): Promise<string> {
  const minted = (await (await fetch(`${url}/create_session`, { method: 'POST' })).json()) as { sid: string };
  const res = await fetch(`${url}/create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-session-id': minted.sid },
    body: JSON.stringify({ env_name: env, split: 'test', index }),
  });
  if (res.status !== 200) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return minted.sid;
}

async function call(url: string, env: string, sid: string, c: Call): Promise<void> {
  const res = await fetch(`${url}/${env}/call`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-session-id': sid, accept: 'text/event-stream' },
    body: JSON.stringify(c),
  });
  const text = await res.text();
  if (res.status !== 200 || !text.includes('event: end') || text.includes('"ok":false')) throw new Error(`call failed: ${res.status} ${text.slice(0, 300)}`);
}

interface Tally {
  calls: number;
  seconds: number;
  /** every call's latency (Node loops) */
  latencies: number[];
  /** per-slice percentiles (wrk reports only those) */
  sliceP50: number[];
  sliceP99: number[];
  perSlice: number[];
}
const tally = (): Tally => ({ calls: 0, latencies: [], seconds: 0, perSlice: [], sliceP50: [], sliceP99: [] });

/** SESSIONS loops calling for `seconds`; adds to the tally. */
async function slice(url: string, env: string, sids: string[], next: (i: number, k: number) => Call, t: Tally): Promise<void> {
  const until = performance.now() + SLICE_SECONDS * 1000;
  const began = performance.now();
  let calls = 0;
  await Promise.all(
    sids.map(async (sid, i) => {
      for (let k = 0; performance.now() < until; k++) {
        const t0 = performance.now();
        await call(url, env, sid, next(i, k));
        t.latencies.push(performance.now() - t0);
        calls++;
      }
    }),
  );
  const secs = (performance.now() - began) / 1000;
  t.seconds += secs;
  t.calls += calls;
  t.perSlice.push(calls / secs);
}

const run = promisify(execFile);
const wrkDir = mkdtempSync(join(os.tmpdir(), 'genegym-bench-wrk-'));
process.on('exit', () => rmSync(wrkDir, { recursive: true, force: true }));
const lua = (v: string) => JSON.stringify(v); // a JSON string literal is a valid Lua string here (ASCII, no control characters)

/** The same load from wrk: one thread and connection per session, each calling in a loop. */
async function sliceWrk(url: string, env: string, sids: string[], next: (i: number, k: number) => Call, t: Tally): Promise<void> {
  const bodies: string[] = [];
  for (let k = 0; k < 64; k++) for (let i = 0; i < sids.length; i++) bodies.push(JSON.stringify(next(i, k)));
  const script = join(wrkDir, `${env}-${sids.length}.lua`);
  writeFileSync(
    script,
    [
      // one wrk thread and connection per session, as real clients keep a session on its own
      // connection (HAProxy would otherwise switch backends between calls on one connection)
      `local sids = {${sids.map(lua).join(',')}}`,
      `local bodies = {${bodies.map(lua).join(',\n')}}`,
      'local made = 0',
      'setup = function(thread)',
      '  made = made + 1',
      '  thread:set("me", made)',
      'end',
      'local n = 0',
      'request = function()',
      '  n = n + 1',
      `  return wrk.format("POST", "/${env}/call", {["content-type"] = "application/json", ["accept"] = "text/event-stream", ["x-session-id"] = sids[me]}, bodies[((n * #sids + me) % #bodies) + 1])`,
      'end',
      'done = function(summary, latency, requests)',
      '  local e = summary.errors',
      '  io.write(string.format("WRK %d %.6f %.3f %.3f %d\\n", summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000, e.connect + e.read + e.write + e.status + e.timeout))',
      'end',
    ].join('\n'),
  );
  const { stdout } = await run('wrk', [`-t${sids.length}`, `-c${sids.length}`, `-d${SLICE_SECONDS}s`, '--timeout', '10s', '-s', script, url], { maxBuffer: 1 << 20 });
  const m = /WRK (\d+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(stdout);
  if (!m) throw new Error(`wrk printed no summary: ${stdout}`);
  const [calls, secs, p50, p99, errors] = m.slice(1).map(Number);
  if (errors > 0) throw new Error(`wrk: ${errors} failed calls against ${url} (${env})`);
  t.calls += calls;
  t.seconds += secs;
  t.perSlice.push(calls / secs);
  t.sliceP50.push(p50);
  t.sliceP99.push(p99);
}

/** SESSIONS loops each calling at PACED_RATE / SESSIONS calls/s (open loop: a late call does not delay the next one's slot). */
async function pacedSlice(url: string, env: string, sids: string[], next: (i: number, k: number) => Call, t: Tally): Promise<void> {
  const gapMs = (1000 * sids.length) / PACED_RATE;
  const began = performance.now();
  const until = began + SLICE_SECONDS * 1000;
  let calls = 0;
  const mine: number[] = [];
  await Promise.all(
    sids.map(async (sid, i) => {
      const pending: Promise<void>[] = [];
      for (let k = 0, at = began + (gapMs * i) / sids.length; at < until; k++, at += gapMs) {
        const wait = at - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        pending.push(
          (async () => {
            const t0 = performance.now();
            await call(url, env, sid, next(i, k));
            mine.push(performance.now() - t0);
            calls++;
          })(),
        );
      }
      await Promise.all(pending);
    }),
  );
  const secs = (performance.now() - began) / 1000;
  t.seconds += secs;
  t.calls += calls;
  t.perSlice.push(calls / secs);
  t.latencies.push(...mine);
  t.sliceP50.push(q(mine, 0.5));
  t.sliceP99.push(q(mine, 0.99));
}

/** A slice from the chosen load generator (run_python always from Node: one call at a time per session). */
const loadSlice = (url: string, env: string, sids: string[], next: (i: number, k: number) => Call, t: Tally) =>
  LOADGEN === 'wrk' && env !== 'case-studies' ? sliceWrk(url, env, sids, next, t) : slice(url, env, sids, next, t);

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
/** p50 and p99 over every call, or (wrk) the median of the slices' own percentiles. */
const pctl = (t: Tally, p: 0.5 | 0.99) => (t.latencies.length ? q(t.latencies, p) : q(p === 0.5 ? t.sliceP50 : t.sliceP99, 0.5));
const report = (label: string, t: Tally) =>
  console.log(`  ${label.padEnd(34)} ${(t.calls / t.seconds).toFixed(0).padStart(6)} calls/s   p50 ${pctl(t, 0.5).toFixed(1)} ms   p99 ${pctl(t, 0.99).toFixed(1)} ms   (${t.calls} calls${t.latencies.length ? '' : '; wrk: median of per-slice percentiles'})`);

const asm = await openAssembly(await ensureDemoAssembly()); // built once before the replicas load it
const chroms = asm.primaryChromosomes().filter((c) => (asm.chromSizes().get(c) ?? 0) > PAGE_BP * 2);
const fetchPage = (i: number, k: number): Call => {
  const chrom = chroms[(i + k) % chroms.length];
  const size = asm.chromSizes().get(chrom)!;
  const start = ((i * 104_729 + k * 7_919) * 13) % (size - PAGE_BP);
  return { name: 'fetch_url', input: { url: `https://api.genome.ucsc.edu/getData/sequence?genome=${asm.name};chrom=${chrom};start=${start};end=${start + PAGE_BP}` } };
};
const calculator = (i: number, k: number): Call => ({ name: 'calculator', input: { expression: `${i} + ${k} * 3` } });
// About 0.1-0.2 s of single-threaded numpy per call, plus the sandbox and interpreter start.
const pythonWork = (i: number, k: number): Call => ({
  name: 'run_python',
  input: { code: `import numpy as np\na = np.random.default_rng(${i * 1000 + k}).random((250, 250))\nfor _ in range(4): np.linalg.svd(a)\nprint('done')` },
});
// Case-studies test tasks cycle through the ten cases; index 10·i + 9 is adna-selection, the
// quickest to open, so the slices time run_python rather than instance generation.
const PY_CASE_OFFSET = 9;

/** Calls/s ratio of two tallies overall and per interleaved round. */
function ratioLine(a: Tally, b: Tally, goal: string): string {
  const ratios = b.perSlice.map((v, i) => v / a.perSlice[i]).sort((x, y) => x - y);
  return `  2 ÷ 1 replicas calls/s: ${((b.calls / b.seconds) / (a.calls / a.seconds)).toFixed(2)}× overall; per round median ${q(ratios, 0.5).toFixed(2)}× (range ${ratios[0].toFixed(2)}–${ratios.at(-1)!.toFixed(2)})${goal}`;
}

const one = await replicas(1);
const two = await replicas(2);
try {
  const direct = `http://127.0.0.1:${one.replicas[0].port}`;
  const sessions = async (url: string, env: string) => Promise.all(Array.from({ length: SESSIONS }, (_, i) => open(url, env, i)));
  const cpu1 = await sessions(one.url, 'genome-qa');
  const cpu2 = await sessions(two.url, 'genome-qa');
  const viaLb = await sessions(one.url, 'arithmetic');
  const pySessions = async (url: string) => Promise.all(Array.from({ length: PY_SESSIONS }, (_, i) => open(url, 'case-studies', 10 * i + PY_CASE_OFFSET)));
  const py1 = await pySessions(one.url);
  const py2 = await pySessions(two.url);
  // the same replica's sessions, addressed directly (HAProxy hashed them all to it: one replica)
  const t = { cpu1: tally(), cpu2: tally(), py1: tally(), py2: tally(), lb: tally(), direct: tally(), lbPaced: tally(), directPaced: tally() };
  // each workload's call answers ok (wrk counts only HTTP failures), then a warm-up slice each, not counted
  await call(one.url, 'genome-qa', cpu1[0], fetchPage(0, 0));
  await call(two.url, 'genome-qa', cpu2[0], fetchPage(0, 0));
  await call(one.url, 'arithmetic', viaLb[0], calculator(0, 0));
  await call(direct, 'arithmetic', viaLb[0], calculator(0, 0));
  await loadSlice(one.url, 'genome-qa', cpu1, fetchPage, tally());
  await loadSlice(two.url, 'genome-qa', cpu2, fetchPage, tally());
  await loadSlice(one.url, 'arithmetic', viaLb, calculator, tally());
  if (PY_SESSIONS > 0) {
    await slice(one.url, 'case-studies', py1, pythonWork, tally());
    await slice(two.url, 'case-studies', py2, pythonWork, tally());
  }
  for (let s = 0; s < SLICES; s++) {
    await loadSlice(one.url, 'genome-qa', cpu1, fetchPage, t.cpu1);
    await loadSlice(two.url, 'genome-qa', cpu2, fetchPage, t.cpu2);
    if (PY_SESSIONS > 0) {
      await slice(one.url, 'case-studies', py1, pythonWork, t.py1);
      await slice(two.url, 'case-studies', py2, pythonWork, t.py2);
    }
    await loadSlice(one.url, 'arithmetic', viaLb, calculator, t.lb);
    await loadSlice(direct, 'arithmetic', viaLb, calculator, t.direct);
    // The paced pair follows the saturation slices: the replica may still be collecting garbage
    // from them, which would land on whichever paced slice runs first. So the pair waits for a
    // quiet moment and swaps order every round (through, direct, direct, through, ...).
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const pair: [string, Tally][] = [[one.url, t.lbPaced], [direct, t.directPaced]];
    for (const [url, tl] of s % 2 === 0 ? pair : pair.reverse()) await pacedSlice(url, 'arithmetic', viaLb, calculator, tl);
  }
  console.log(`CPU-bound: genome-qa fetch_url of ${PAGE_BP / 1000} kb sequence pages, ${SESSIONS} sessions`);
  report('1 replica behind HAProxy', t.cpu1);
  report('2 replicas behind HAProxy', t.cpu2);
  console.log(ratioLine(t.cpu1, t.cpu2, '; goal ≥ 1.6×'));
  if (PY_SESSIONS > 0) {
    console.log(`Sandbox: case-studies run_python (numpy SVDs), ${PY_SESSIONS} sessions`);
    report('1 replica behind HAProxy', t.py1);
    report('2 replicas behind HAProxy', t.py2);
    console.log(ratioLine(t.py1, t.py2, ''));
  }
  console.log(`HAProxy overhead: arithmetic calculator, ${SESSIONS} sessions on one replica`);
  console.log(`  at the same offered load, ${PACED_RATE} calls/s (paced Node loops):`);
  report('through HAProxy', t.lbPaced);
  report('direct to the replica', t.directPaced);
  console.log(`  latency through HAProxy ÷ direct: p50 ${(pctl(t.lbPaced, 0.5) / pctl(t.directPaced, 0.5)).toFixed(2)}×, p99 ${(pctl(t.lbPaced, 0.99) / pctl(t.directPaced, 0.99)).toFixed(2)}×; goal ≤ 1.3×`);
  const roundRatios = (a: number[], b: number[]) => a.map((v, i) => v / b[i]).sort((x, y) => x - y);
  for (const [name, r] of [['p50', roundRatios(t.lbPaced.sliceP50, t.directPaced.sliceP50)], ['p99', roundRatios(t.lbPaced.sliceP99, t.directPaced.sliceP99)]] as const) {
    console.log(`    per round ${name} ratio: median ${q(r, 0.5).toFixed(2)}× (range ${r[0].toFixed(2)}–${r.at(-1)!.toFixed(2)}) over ${r.length} rounds`);
  }
  console.log(`  at saturation (${LOADGEN} closed loops; HAProxy's own CPU comes out of the replica's 2 cores):`);
  report('through HAProxy', t.lb);
  report('direct to the replica', t.direct);
  console.log(`  calls/s through HAProxy ÷ direct: ${((t.lb.calls / t.lb.seconds) / (t.direct.calls / t.direct.seconds)).toFixed(2)}×; latency p50 ${(pctl(t.lb, 0.5) / pctl(t.direct, 0.5)).toFixed(2)}×, p99 ${(pctl(t.lb, 0.99) / pctl(t.direct, 0.99)).toFixed(2)}×`);
} finally {
  await Promise.all([one.stop(), two.stop()]);
}
console.log(`load average after: ${load()}`);
