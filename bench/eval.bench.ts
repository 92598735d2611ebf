// `npm run bench:eval`: 1,000 arithmetic episodes (in-process env, the real runner with JSONL
// records and the SQLite index) against a mock model with a fixed 50 ms latency, at
// concurrency 64. Each episode takes two model turns, so the latency floor of one episode is
// 100 ms and of the run 1000 × 100 ms / 64. Reports episodes/s and overhead over the floors.
//
// BENCH_MODEL=http (default) talks to the mock over loopback HTTP through the openai SDK;
// BENCH_MODEL=inproc answers the same script in-process after the same 50 ms, which isolates
// the runner (agent loop, env, JSONL log, SQLite index) from the HTTP client's cost;
// BENCH_MODEL=raw sends the same two requests per episode with bare node:http and no runner:
// the floor this machine itself puts under any HTTP client (the mock shares its 2 cores).

import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { InProcessDriver } from '../src/agents/in-process.js';
import { ModelAgent } from '../src/agents/model-agent.js';
import { arithmeticEnvironment } from '../src/envs/example/arithmetic.js';
import { ModelClient } from '../src/models/client.js';
import { AdaptiveLimiter } from '../src/models/limiter.js';
import { OpenAiTransport, toOpenAiMessages } from '../src/models/openai.js';
import type { ModelRequest, ProviderTransport } from '../src/models/types.js';
import { solveArithmetic, type ChatRequestBody } from '../test/models/mock-openai.js';
import { DEFAULT_PRICES } from '../src/models/pricing.js';
import { RunIndex } from '../src/runs/index-db.js';
import { executeRun } from '../src/runs/runner.js';
import { RunStore } from '../src/runs/store.js';

const EPISODES = Number(process.env.BENCH_EPISODES ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const LATENCY_MS = 50;
const TURNS = 2;
const MODE = process.env.BENCH_MODEL ?? 'http';
if (MODE !== 'http' && MODE !== 'inproc' && MODE !== 'raw') throw new Error(`BENCH_MODEL must be http, inproc or raw, not ${MODE}`);

/** The mock's arithmetic script behind the transport interface, with the mock's latency. */
class InProcessMockTransport implements ProviderTransport {
  readonly provider = 'openai';
  readonly model = 'mock';
  readonly baseUrl = 'inproc:';
  private calls = 0;
  async send(req: ModelRequest) {
    await new Promise((r) => setTimeout(r, LATENCY_MS));
    const body: ChatRequestBody = { model: 'mock', messages: toOpenAiMessages(req.messages) as ChatRequestBody['messages'] };
    const reply = solveArithmetic(body);
    if (reply.kind !== 'tool_calls') throw new Error(`unexpected mock reply ${reply.kind}`);
    const toolCalls = reply.calls.map((c) => ({ id: `call_${this.calls++}`, name: c.name, arguments: c.arguments }));
    return { message: { role: 'assistant' as const, content: null, toolCalls }, usage: { inputTokens: 100, outputTokens: 20 }, stopReason: 'tool_calls' as const };
  }
}

const here = dirname(fileURLToPath(import.meta.url));
const server = MODE === 'inproc' ? null : spawn(process.execPath, ['--import', 'tsx', join(here, 'eval-mock-server.ts'), String(LATENCY_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = !server
  ? 'inproc:'
  : await new Promise<string>((resolve, reject) => {
      createInterface({ input: server.stdout! }).once('line', resolve);
      server.once('exit', (code) => reject(new Error(`mock server exited (${code})`)));
    });

/** Two chat requests per episode over a keep-alive node:http agent, nothing else. */
async function rawClientRun(n: number): Promise<{ wallMs: number; cpuMs: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const body = JSON.stringify({ model: 'mock', messages: [{ role: 'user', content: 'What is 2 + 3?' }] });
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(`${url}/chat/completions`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => (JSON.parse(Buffer.concat(chunks).toString('utf8')), resolve()));
      });
      req.on('error', reject);
      req.end(body);
    });
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) {
      next++;
      for (let t = 0; t < TURNS; t++) await post();
    }
  }));
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  return { wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

if (MODE === 'raw') {
  await rawClientRun(CONCURRENCY); // warm-up
  const { wallMs, cpuMs } = await rawClientRun(EPISODES);
  const wallFloorMs = (EPISODES * TURNS * LATENCY_MS) / CONCURRENCY;
  console.log(JSON.stringify({
    model_transport: 'raw', episodes: EPISODES, concurrency: CONCURRENCY, wall_s: +(wallMs / 1000).toFixed(3),
    wall_overhead_pct: +((100 * (wallMs - wallFloorMs)) / wallFloorMs).toFixed(1), client_cpu_ms_per_episode: +(cpuMs / EPISODES).toFixed(2),
    load_average_1m: +loadavg()[0].toFixed(2),
  }, null, 2));
  server?.kill('SIGTERM');
  process.exit(0);
}

const home = await mkdtemp(join(tmpdir(), 'gg-bench-eval-'));
try {
  const driver = new InProcessDriver(arithmeticEnvironment());
  const transport = server ? new OpenAiTransport({ model: 'mock', baseUrl: url, apiKey: 'bench' }) : new InProcessMockTransport();
  const model = new ModelClient(transport, {
    limiter: new AdaptiveLimiter({ initial: CONCURRENCY, max: CONCURRENCY }),
    retry: { retries: 2, baseMs: 10, maxMs: 100 },
  });
  const agent = new ModelAgent(model);
  // Warm up connections and JIT on a throwaway run.
  const mk = (id: string, n: number) =>
    RunStore.create(home, {
      run_id: id, created_at: new Date().toISOString(), env: 'arithmetic', server: null, split: 'test', model: 'openai:mock', base_url: url,
      api_key_env: null, agent: 'model', task_indices: Array.from({ length: n }, (_, i) => i), epochs: 1, seed: 0, max_turns: 10,
      max_tokens: null, time_limit_ms: null, concurrency: CONCURRENCY, pass_threshold: 1, k: [1], cache: false, temperature: null,
      error_retries: 0, genegym_version: 'bench',
    });
  const index = RunIndex.open(home);
  await executeRun({ store: mk('warmup', CONCURRENCY), index, driver, agent, prices: DEFAULT_PRICES });

  const store = mk('bench', EPISODES);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await executeRun({ store, index, driver, agent, prices: DEFAULT_PRICES });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  index.close();

  const records = store.read().records;
  const meanEpisodeMs = records.reduce((s, r) => s + r.duration_ms, 0) / records.length;
  const episodeFloorMs = TURNS * LATENCY_MS;
  const wallFloorMs = (EPISODES * episodeFloorMs) / CONCURRENCY;
  const out = {
    model_transport: MODE,
    episodes: result.summary.episodes,
    correct: result.summary.correct,
    errors: result.summary.errors,
    concurrency: CONCURRENCY,
    model_latency_ms: LATENCY_MS,
    wall_s: +(wallMs / 1000).toFixed(3),
    episodes_per_s: +(EPISODES / (wallMs / 1000)).toFixed(1),
    floor_episodes_per_s: +(EPISODES / (wallFloorMs / 1000)).toFixed(1),
    wall_overhead_pct: +((100 * (wallMs - wallFloorMs)) / wallFloorMs).toFixed(1),
    mean_episode_ms: +meanEpisodeMs.toFixed(1),
    episode_overhead_pct: +((100 * (meanEpisodeMs - episodeFloorMs)) / episodeFloorMs).toFixed(1),
    runner_cpu_ms_per_episode: +((cpu.user + cpu.system) / 1000 / EPISODES).toFixed(2),
    load_average_1m: +loadavg()[0].toFixed(2),
    goal: 'overhead < 10%',
  };
  console.log(JSON.stringify(out, null, 2));
  if (out.errors > 0 || out.correct !== EPISODES) process.exitCode = 1;
} finally {
  server?.kill('SIGTERM');
  await rm(home, { recursive: true, force: true });
}
