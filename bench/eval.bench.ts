// `npm run bench:eval`: 1,000 arithmetic episodes (in-process env, the real runner with JSONL
// records and the SQLite index) against a mock model with a fixed 50 ms latency, at
// concurrency 64. Each episode takes two model turns, so the latency floor of one episode is
// 100 ms and of the run 1000 × 100 ms / 64. Reports episodes/s and overhead over the floors.

import { spawn } from 'node:child_process';
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
import { OpenAiTransport } from '../src/models/openai.js';
import { DEFAULT_PRICES } from '../src/models/pricing.js';
import { RunIndex } from '../src/runs/index-db.js';
import { executeRun } from '../src/runs/runner.js';
import { RunStore } from '../src/runs/store.js';

const EPISODES = Number(process.env.BENCH_EPISODES ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const LATENCY_MS = 50;
const TURNS = 2;

const here = dirname(fileURLToPath(import.meta.url));
const server = spawn(process.execPath, ['--import', 'tsx', join(here, 'eval-mock-server.ts'), String(LATENCY_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve, reject) => {
  createInterface({ input: server.stdout! }).once('line', resolve);
  server.once('exit', (code) => reject(new Error(`mock server exited (${code})`)));
});

const home = await mkdtemp(join(tmpdir(), 'gg-bench-eval-'));
try {
  const driver = new InProcessDriver(arithmeticEnvironment());
  const model = new ModelClient(new OpenAiTransport({ model: 'mock', baseUrl: url, apiKey: 'bench' }), {
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
  server.kill('SIGTERM');
  await rm(home, { recursive: true, force: true });
}
