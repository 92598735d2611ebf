// ORS throughput benchmark: `npm run bench:ors`.
//
// Measures tool calls per second and p50/p99 latency of a trivial tool at 1, 64 and 256
// concurrent sessions against our ORS server on loopback, and the same load against a bare
// fastify route that streams one SSE event (the floor any SSE-over-HTTP server pays). The
// servers run in a child process; this process is only the load generator (raw node:http with
// a keep-alive Agent, one connection per session). A third target drives the ORS server
// through OrsClient (global fetch) to show what the client itself costs.
//
// Each run is bounded in time (BENCH_SECONDS, default 4 s after a 1 s warm-up) and in count.

import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { OrsClient } from '../src/ors/client/index.js';
import { SseParser } from '../src/ors/client/sse.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const WARMUP_SECONDS = 1;
const MAX_CALLS_PER_RUN = 500_000;
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,64,256').split(',').map(Number);

interface Row {
  target: string;
  sessions: number;
  calls: number;
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
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

/** The RunToolOutput of a whole SSE response (chunk…end), checked to be a success. */
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

/** Runs `concurrency` workers in a closed loop; measures only after the warm-up. */
async function load(target: string, concurrency: number, call: CallFn): Promise<Row> {
  const latencies: number[] = [];
  let failures = 0;
  let measuring = false;
  const start = performance.now();
  const warmEnd = start + WARMUP_SECONDS * 1000;
  const end = warmEnd + SECONDS * 1000;
  let measuredFrom = 0;
  let measuredTo = 0;
  const worker = async (w: number) => {
    for (let i = 0; ; i++) {
      const t0 = performance.now();
      if (t0 >= end || latencies.length >= MAX_CALLS_PER_RUN) return;
      if (!measuring && t0 >= warmEnd) {
        measuring = true;
        measuredFrom = t0;
      }
      let ok = false;
      try {
        ok = await call(w, i);
      } catch {
        ok = false;
      }
      const t1 = performance.now();
      if (measuring && t0 >= measuredFrom) {
        if (ok) latencies.push(t1 - t0);
        else failures++;
        measuredTo = Math.max(measuredTo, t1);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : NaN);
  const seconds = (measuredTo - measuredFrom) / 1000;
  return { target, sessions: concurrency, calls: latencies.length, perSecond: latencies.length / seconds, p50: pct(0.5), p99: pct(0.99), failures };
}

async function main(): Promise<void> {
  const child = fork(fileURLToPath(new URL('./ors-bench-target.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const urls = await new Promise<{ orsUrl: string; bareUrl: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { orsUrl: string; bareUrl: string }));
    child.once('exit', (code) => reject(new Error(`bench server exited early (code ${code})`)));
  });
  const rows: Row[] = [];
  try {
    const orsUrl = new URL(urls.orsUrl);
    const bareUrl = new URL(urls.bareUrl);
    const client = new OrsClient({ baseUrl: urls.orsUrl, pingIntervalMs: 0 });
    const env = client.environment('bench');
    const body = (w: number, i: number) => JSON.stringify({ name: 'echo', input: { text: `w${w}-${i}` } });

    for (const c of CONCURRENCY) {
      // Sessions are opened before the clock starts; only tool calls are timed.
      const sessions = await Promise.all(Array.from({ length: c }, () => env.session({ split: 'train', index: 0 })));
      await Promise.all(sessions.map((s) => s.prompt())); // setup finished

      const orsAgent = new Agent({ keepAlive: true, maxSockets: c });
      rows.push(
        await load('ORS /call (our server)', c, async (w, i) =>
          checkResult(await post(orsAgent, orsUrl, '/bench/call', { 'x-session-id': sessions[w].sid, accept: 'text/event-stream' }, body(w, i)), `w${w}-${i}`),
        ),
      );
      orsAgent.destroy();

      const bareAgent = new Agent({ keepAlive: true, maxSockets: c });
      rows.push(
        await load('bare fastify SSE route', c, async (w, i) =>
          checkResult(await post(bareAgent, bareUrl, '/sse', { accept: 'text/event-stream' }, body(w, i)), `w${w}-${i}`),
        ),
      );
      bareAgent.destroy();

      rows.push(
        await load('ORS via OrsClient (fetch)', c, async (w, i) => {
          const out = await sessions[w].call('echo', { text: `w${w}-${i}` });
          return out.ok && out.output.blocks[0].type === 'text' && out.output.blocks[0].text === `w${w}-${i}`;
        }),
      );
      await Promise.all(sessions.map((s) => s.close()));
    }
  } finally {
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
  }
  printTable(rows);
}

function printTable(rows: Row[]): void {
  const cpu = os.cpus();
  console.log(`\nORS benchmark: ${cpu.length} CPU (${cpu[0]?.model.trim()}), Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`${SECONDS} s measured per row after ${WARMUP_SECONDS} s warm-up; trivial tool "echo"; servers in a child process, load generator here.\n`);
  console.log('| target | sessions | calls | calls/s | p50 ms | p99 ms | failures |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.target} | ${r.sessions} | ${r.calls} | ${Math.round(r.perSecond)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.failures} |`);
  }
  console.log('\n| sessions | ORS calls/s ÷ bare calls/s | bare calls/s ÷ ORS calls/s (overhead) |');
  console.log('|---:|---:|---:|');
  for (const c of CONCURRENCY) {
    const ors = rows.find((r) => r.sessions === c && r.target.startsWith('ORS /call'));
    const bare = rows.find((r) => r.sessions === c && r.target.startsWith('bare'));
    if (ors && bare) console.log(`| ${c} | ${(ors.perSecond / bare.perSecond).toFixed(2)} | ${(bare.perSecond / ors.perSecond).toFixed(2)}× |`);
  }
}

await main();
