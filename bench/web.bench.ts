// bench:web — the viewer on a large run (100,000 episodes, 175 MB, by default). Measures, over real HTTP on
// loopback: time to first transcript and to the run page's data on a run the viewer has never
// opened (its rows read into memory from the sidecar episodes.idx.jsonl the run store writes;
// and again with the sidecar removed, parsing every JSONL line), a fresh server on a run opened
// before (summary from viewer-summaries.json), and page and filter times of the episodes
// table. With Chromium present it also loads the transcript and run pages of a run never opened
// and scrolls the episodes table to its last row.
//
//   npm run bench:web                      (EPISODES=100000 by default: 175 MB of JSONL)
//   EPISODES=57000 npm run bench:web       (a 100 MB run)

import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore, runsDir } from '../src/runs/store.js';
import type { EpisodeRecord, Outcome, RunConfig } from '../src/runs/types.js';
import { ensureBundle } from '../src/web/bundle.js';
import { startViewer } from '../src/web/server/standalone.js';

const EPISODES = Number(process.env.EPISODES ?? 100_000);
const TASKS = Math.ceil(EPISODES / 2);
const DOMAINS = ['reference_sequence', 'gc_content', 'gene_genomic_span', 'chromosome_stats', 'cytoband_mapping', 'intergenic_distance', 'exon_properties', 'nucleotide_composition', 'coding_noncoding_ratio', 'sequence_motif'];
const OUTCOMES: Outcome[] = ['correct', 'correct', 'correct', 'wrong', 'wrong', 'ungraded', 'error'];

function episode(run: string, i: number): EpisodeRecord {
  const task = i % TASKS;
  const epoch = 1 + Math.floor(i / TASKS);
  const domain = DOMAINS[task % DOMAINS.length];
  const outcome = OUTCOMES[(task * 31 + epoch * 7) % OUTCOMES.length];
  const question = `Length of chr${1 + (task % 22)}:${task * 1000}-${task * 1000 + 4500}?`;
  // One episode in a hundred has a large tool output (a fetched page), as real runs do.
  const page = i % 100 === 0 ? 'ACGT'.repeat(4000) : `region ${task}`;
  const t0 = Date.UTC(2026, 10, 1) + i * 1000;
  return {
    type: 'episode', key: `${task}#${epoch}`, run_id: run, task_index: task, task_id: `bench/test/${task}`, epoch, attempt: 1, split: 'test', domain, outcome,
    reward: outcome === 'correct' ? 1 : outcome === 'wrong' ? 0 : null, end_reason: outcome === 'error' ? 'agent_error' : 'finished',
    detail: outcome === 'error' ? 'agent_error: timeout' : `verdict ${outcome}`, task: { id: `bench/test/${task}`, split: 'test', index: task, domain, question },
    turns: 2, tool_calls: 2, invalid_calls: 0, model_calls: 2,
    usage: { agent: { inputTokens: 2000 + (task % 500), outputTokens: 80, calls: 2, cost: 0.0003 }, judge: { inputTokens: 0, outputTokens: 0, calls: 0, cost: 0 } },
    started_at: new Date(t0).toISOString(), ended_at: new Date(t0 + 900).toISOString(), duration_ms: 900, final_metadata: { verdict: outcome },
    transcript: [
      { t: 0, kind: 'prompt', blocks: [{ type: 'text', text: question, detail: null }], tools: [] },
      { t: 3, kind: 'agent', turn: 1, ms: 400, text: 'Fetching the region.', calls: [{ id: 'c1', name: 'fetch_url', input: { url: `ucsc/${task}` } }] },
      { t: 410, kind: 'tool', turn: 1, ms: 30, callId: 'c1', name: 'fetch_url', output: { ok: true, output: { blocks: [{ type: 'text', text: page, detail: null }], metadata: null, reward: 0, finished: false } } },
      { t: 450, kind: 'agent', turn: 2, ms: 350, text: 'Submitting.', calls: [{ id: 'c2', name: 'submit_answer', input: { length_bp: String(4501 + (outcome === 'correct' ? 0 : 1)) } }] },
      { t: 820, kind: 'tool', turn: 2, ms: 10, callId: 'c2', name: 'submit_answer', output: { ok: true, output: { blocks: [{ type: 'text', text: `verdict: ${outcome}`, detail: null }], metadata: { verdict: outcome }, reward: outcome === 'correct' ? 1 : 0, finished: true } } },
    ],
  };
}

/** CPU time of this process (server and client) for the last timed step: unlike wall time, it does not grow with the machine's load. */
let lastCpuMs = 0;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const v = await fn();
  const c = process.cpuUsage(c0);
  lastCpuMs = (c.user + c.system) / 1000;
  return [v, performance.now() - t0];
}

async function getJson(url: string): Promise<any> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status} ${await r.text()}`);
  return r.json();
}

const home = await mkdtemp(join(tmpdir(), 'gg-web-bench-'));
try {
  const run = 'bench-100k';
  const config: RunConfig = {
    run_id: run, created_at: new Date().toISOString(), env: 'genome-qa', server: null, split: 'test', model: 'openai:gpt-4o-mini', base_url: null,
    api_key_env: null, agent: 'model', task_indices: Array.from({ length: TASKS }, (_, i) => i), epochs: 2, seed: 1, max_turns: 10, max_tokens: null,
    time_limit_ms: null, concurrency: 8, pass_threshold: 1, k: [1, 2], cache: false, temperature: null, error_retries: 0, genegym_version: '0.1.0',
  };
  const store = RunStore.create(home, config);
  const [, writeMs] = await timed(async () => {
    for (let i = 0; i < EPISODES; i++) store.append(episode(run, i));
  });
  store.close();
  const mb = store.episodesSize() / 1e6;
  console.log(`load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} cores`);
  console.log(`wrote ${EPISODES.toLocaleString('en-US')} episodes, ${mb.toFixed(1)} MB (sidecar ${(statSync(store.sidecarPath).size / 1e6).toFixed(1)} MB), in ${(writeMs / 1000).toFixed(1)} s`);
  const key = encodeURIComponent(`${Math.floor(TASKS / 2)}#2`);
  const results: Array<[string, number, number | null]> = [];

  const forgetSummaries = () => rmSync(join(runsDir(home), 'viewer-summaries.json'), { force: true });

  // 1. A run the viewer has never seen: the first request reads the run's rows into memory from
  // the sidecar the run store wrote beside the JSONL (every line checked against the JSONL's own line ends).
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  let server = await startViewer({ home, bundleDir: null });
  let [ep, ms] = await timed(() => getJson(`${server.url}api/runs/${run}/episodes/${key}`));
  results.push(['first transcript, run never opened (rows read from the sidecar)', ms, lastCpuMs]);
  if (ep.record.key !== decodeURIComponent(key)) throw new Error('wrong episode served');
  gc?.();
  const heapMb = (process.memoryUsage().heapUsed - heap0) / 1e6;
  [, ms] = await timed(() => getJson(`${server.url}api/runs/${run}/episodes/${encodeURIComponent('100#1')}`));
  results.push(['another transcript, same server', ms, lastCpuMs]);
  await server.close();

  // 1b. The first transcript without the sidecar (deleted, or a run written before it existed): every JSONL line is parsed.
  forgetSummaries();
  renameSync(store.sidecarPath, `${store.sidecarPath}.away`);
  server = await startViewer({ home, bundleDir: null });
  [ep, ms] = await timed(() => getJson(`${server.url}api/runs/${run}/episodes/${key}`));
  results.push(['first transcript, run never opened, no sidecar (parses every JSONL line)', ms, lastCpuMs]);
  if (ep.record.key !== decodeURIComponent(key)) throw new Error('wrong episode served');
  await server.close();
  renameSync(`${store.sidecarPath}.away`, store.sidecarPath);

  // 1c. The run page of a run never opened: summary (summarise over 100k final records) and the first page of episodes.
  forgetSummaries();
  server = await startViewer({ home, bundleDir: null });
  [, ms] = await timed(async () => {
    await getJson(`${server.url}api/runs/${run}`);
    await getJson(`${server.url}api/runs/${run}/episodes?offset=0&limit=200`);
  });
  results.push(['run page data (summary + first 200 rows), run never opened', ms, lastCpuMs]);
  await server.close();

  // 2. A fresh server process on a run opened before: its summary comes from viewer-summaries.json,
  // its rows are read again from the sidecar when a page or transcript needs them.
  server = await startViewer({ home, bundleDir: null });
  const [summary, sms] = await timed(() => getJson(`${server.url}api/runs/${run}`));
  results.push(['run summary, fresh server, run opened before (summary cache)', sms, lastCpuMs]);
  [, ms] = await timed(() => getJson(`${server.url}api/runs/${run}/episodes/${key}`));
  results.push(['first transcript, fresh server (rows read from the sidecar again)', ms, lastCpuMs]);
  [, ms] = await timed(() => getJson(`${server.url}api/runs/${run}/episodes?offset=0&limit=200`));
  results.push(['episodes page 1 (200 rows)', ms, lastCpuMs]);
  [, ms] = await timed(() => getJson(`${server.url}api/runs/${run}/episodes?offset=${EPISODES - 200}&limit=200`));
  results.push(['episodes last page (200 rows)', ms, lastCpuMs]);
  const [wrong, wms] = await timed(() => getJson(`${server.url}api/runs/${run}/episodes?outcome=wrong&offset=20000&limit=200`));
  results.push([`outcome filter, deep page (${wrong.total.toLocaleString('en-US')} wrong)`, wms, lastCpuMs]);
  const [found, qms] = await timed(() => getJson(`${server.url}api/runs/${run}/episodes?q=chr7%3A&limit=200`));
  results.push([`text search over ${EPISODES.toLocaleString('en-US')} questions (${found.total.toLocaleString('en-US')} hits)`, qms, lastCpuMs]);
  await server.close();
  if (summary.summary.episodes !== EPISODES) throw new Error(`summary counts ${summary.summary.episodes} episodes`);

  // 3. In a browser, when Chromium is here: the run page and a scroll to the last row.
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(chromium)) {
    const bundleDir = await ensureBundle();
    forgetSummaries();
    server = await startViewer({ home, bundleDir });
    const { chromium: pw } = await import('playwright-core');
    const browser = await pw.launch({ executablePath: chromium, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      [, ms] = await timed(async () => {
        await page.goto(`${server.url}#/run/${run}/ep/${key}`);
        await page.waitForSelector('[data-testid=event-tool]');
      });
      results.push(['browser (first page it ever loads): transcript page of a run never opened, to first tool output shown', ms, null]);
      await server.close();
      forgetSummaries();
      server = await startViewer({ home, bundleDir });
      [, ms] = await timed(async () => {
        await page.goto(`${server.url}#/run/${run}`);
        await page.waitForSelector('[data-testid=episode-row]');
      });
      results.push(['browser: run page of a run never opened, load to first episode rows shown', ms, null]);
      await server.close();
      server = await startViewer({ home, bundleDir });
      [, ms] = await timed(async () => {
        await page.goto(`${server.url}#/run/${run}/ep/${encodeURIComponent('7#1')}`);
        await page.waitForSelector('[data-testid=event-tool]');
      });
      results.push(['browser: transcript page of a run never opened by this server, to first tool output shown', ms, null]);
      [, ms] = await timed(async () => {
        await page.goto(`${server.url}#/run/${run}`);
        await page.waitForSelector('[data-testid=episode-row]');
      });
      results.push(['browser: run page, run already open', ms, null]);
      [, ms] = await timed(async () => {
        await page.locator('[data-testid=episode-scroll]').evaluate((el) => (el.scrollTop = el.scrollHeight));
        await page.waitForSelector(`[data-testid=episode-row][data-key="${TASKS - 1}#2"]`);
      });
      const inDom = await page.locator('.ep-scroll .ep-row').count();
      results.push([`browser: scroll to row ${EPISODES.toLocaleString('en-US')} and show it (${inDom} rows in the DOM)`, ms, null]);
    } finally {
      await browser.close();
      await server.close();
    }
  } else {
    console.log(`(no Chromium at ${chromium}: browser timings skipped)`);
  }

  console.log(`\n| step (${mb.toFixed(0)} MB run, ${EPISODES.toLocaleString('en-US')} episodes) | wall ms | CPU ms (this process) |\n| --- | ---: | ---: |`);
  for (const [name, t, cpu] of results) console.log(`| ${name} | ${t.toFixed(0)} | ${cpu === null ? 'n/a (browser)' : cpu.toFixed(0)} |`);
  console.log(`\nheap held after the first open (the run's rows in memory${gc ? '' : '; no --expose-gc, so garbage included'}): ${heapMb.toFixed(0)} MB`);
} finally {
  await rm(home, { recursive: true, force: true });
}
