// Event-loop latency while case instances are generated: `npm run bench:ors-gen`.
//
// A child process serves the case-studies environment over ORS on loopback (real cases, a
// bubblewrap workspace per session when bubblewrap works). This process opens BENCH_SESSIONS
// sessions on distinct test seeds of BENCH_CASES (each opening generates a served instance on the
// server) and meanwhile sends /ping every 10 ms (one at a time) and records its latency, until
// every session's prompt has arrived. It runs twice, each time in a fresh server (cold cache):
// generation in-process on the event loop (workers=0, the old behaviour) and on the worker pool
// (default size). Goal: /ping p99 < 50 ms while instances are generated.
//
// BENCH_CASES=hic-loop,mpp-qtl (default) picks the cases, BENCH_SESSIONS=6 the number of
// sessions, BENCH_MODES=idle,0,default what to run (idle: no generation, the latency floor at the
// machine's current load; 0: in-process; default or a number: the worker pool of that size).

import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const CASES = (process.env.BENCH_CASES ?? 'hic-loop,mpp-qtl').split(',');
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 6);
const MODES = (process.env.BENCH_MODES ?? 'idle,0,default').split(',');
const PING_EVERY_MS = 10;

/** Child: the ORS server (workers from GENEGYM_CASE_WORKERS, set by the parent). */
async function serve(): Promise<void> {
  const { caseStudies } = await import('../src/envs/case-studies/cases.js');
  const { createCaseStudiesEnvironment } = await import('../src/envs/case-studies/env.js');
  const { buildServer } = await import('../src/ors/server/index.js');
  const { probeBwrap } = await import('../src/sandbox/index.js');
  const cases = caseStudies.filter((c) => CASES.includes(c.id));
  if (cases.length !== CASES.length) throw new Error(`unknown case in BENCH_CASES=${CASES.join(',')}`);
  const sandbox = (await probeBwrap()).ok ? 'bwrap' : 'none';
  const env = createCaseStudiesEnvironment({ cases, sandbox, perCase: { train: 10, test: 1000 } });
  // As `genegym serve` does: the workers load the cases before the first session.
  const { servedInstances } = await import('../src/envs/case-studies/framework/instance-cache.js');
  await servedInstances.pool?.warm();
  const server = await buildServer({ environments: [env], logger: false });
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  process.send!({ url, sandbox });
  process.on('message', async (m) => {
    if (m === 'stop') {
      await server.close();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
}

function post(agent: Agent, base: URL, path: string, headers: Record<string, string>, body: string | null, method = 'POST'): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: base.hostname, port: base.port, path, method, headers: { ...headers, ...(body === null ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};

async function runMode(mode: string, round: number): Promise<string> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: process.execArgv,
    env: { ...process.env, ...(mode === 'default' || mode === 'idle' ? {} : { GENEGYM_CASE_WORKERS: mode }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { url, sandbox } = await new Promise<{ url: string; sandbox: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { url: string; sandbox: string }));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const base = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  try {
    // One idle session to ping (its own instance is generated too, and counted).
    const sids: string[] = [];
    const t0 = performance.now();
    for (let i = 0; i < (mode === 'idle' ? 1 : SESSIONS); i++) {
      const sid = JSON.parse((await post(agent, base, '/create_session', {}, null)).text).sid as string;
      // distinct seeds per round and mode so nothing is cached
      const index = (round * 100 + i) * CASES.length + (i % CASES.length);
      const r = await post(agent, base, '/create', { 'x-session-id': sid }, JSON.stringify({ env_name: 'case-studies', split: 'test', index, secrets: {} }));
      if (r.status !== 200) throw new Error(`/create: ${r.status} ${r.text}`);
      sids.push(sid);
    }
    if (mode === 'idle') {
      // The floor: the same server with nothing being generated (one session, already open).
      await post(agent, base, '/case-studies/prompt', { 'x-session-id': sids[0] }, null, 'GET');
    }
    const latencies: number[] = [];
    let stop = false;
    const pinger = (async () => {
      while (!stop) {
        const p0 = performance.now();
        const r = await post(agent, base, '/ping', { 'x-session-id': sids[0] }, '{}');
        if (r.status !== 200) throw new Error(`/ping: ${r.status} ${r.text}`);
        latencies.push(performance.now() - p0);
        await new Promise((res) => setTimeout(res, PING_EVERY_MS));
      }
    })();
    if (mode === 'idle') await new Promise((res) => setTimeout(res, 5000));
    const prompts = await Promise.all(
      sids.map(async (sid) => {
        const r = await post(agent, base, '/case-studies/prompt', { 'x-session-id': sid }, null, 'GET');
        if (r.status !== 200) throw new Error(`/prompt: ${r.status} ${r.text.slice(0, 300)}`);
        return performance.now() - t0;
      }),
    );
    stop = true;
    await pinger;
    for (const sid of sids) await post(agent, base, '/delete', { 'x-session-id': sid }, '{}');
    const label = mode === 'idle' ? 'none (idle server, 5 s: the floor at this load)' : mode === '0' ? 'in-process (workers=0)' : mode === 'default' ? 'worker pool (default size)' : `worker pool (${mode} workers)`;
    const opened = mode === 'idle' ? 0 : SESSIONS;
    return `| ${label} | ${sandbox} | ${opened} | ${latencies.length} | ${q(latencies, 0.5).toFixed(1)} | ${q(latencies, 0.99).toFixed(1)} | ${Math.max(...latencies).toFixed(1)} | ${(Math.max(...prompts) / 1000).toFixed(2)} |`;
  } finally {
    agent.destroy();
    child.send('stop');
    await new Promise((res) => child.once('exit', res));
  }
}

async function main(): Promise<void> {
  const lines = [
    `bench:ors-gen — ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}; cases ${CASES.join(', ')}`,
    '',
    '| generation | workspace | sessions opened at once | pings | /ping p50 (ms) | /ping p99 (ms) | /ping max (ms) | all prompts ready (s) |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [round, mode] of MODES.entries()) {
    lines.push(await runMode(mode, round));
    process.stderr.write(`${lines.at(-1)}\n`);
  }
  console.log(lines.join('\n'));
}

if (process.argv.includes('--serve')) await serve();
else await main();
