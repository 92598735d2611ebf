// What `genegym eval` and `genegym runs ...` do (eval.ts declares the commands and loads this
// module only when one runs, so --help and other commands never load models, SQLite or envs).

import { writeFileSync } from 'node:fs';
import { genegymHome } from '../genome/home.js';
import { canonicalModelSpec, loadPriceTable } from '../models/index.js';
import type { RetryEvent } from '../models/retry.js';
import { compareRecords, type Comparison } from '../runs/compare.js';
import { exportRecords, type ExportFormat } from '../runs/export.js';
import { RunIndex } from '../runs/index-db.js';
import { buildAgent, buildDriver, newRunId, planTasks, resolveKs, tasksFingerprint } from '../runs/launch.js';
import { createProgressReporter, formatCost, formatDuration } from '../runs/progress.js';
import { executeRun, type ExecuteResult } from '../runs/runner.js';
import { finalRecords, RunStore } from '../runs/store.js';
import { plannedEpisodes } from '../runs/status.js';
import { replacedAttempts, summarise, type RunSummary } from '../runs/summary.js';
import type { EpisodeRecord, RunConfig } from '../runs/types.js';
import type { CliIO, EvalFlags, ExecFlags } from './eval.js';

const VERSION = '0.1.0';

let io: CliIO = { out: process.stdout, err: process.stderr };

export async function evalAction(streams: CliIO, flags: EvalFlags): Promise<void> {
  io = streams;
  const models = (flags.model ?? []).map(canonicalModelSpec);
  if ((models.length === 0) === !flags.agent) throw new Error('give --model <spec> (one or more) or --agent <name>, not both');
  const home = genegymHome();
  const ks = resolveKs(flags.epochs, flags.passK);
  const driver = await buildDriver({ env: flags.env, server: flags.server ?? null }, envOptions(flags, home));
  try {
    const taskIndices = await planTasks(driver, flags.split, { tasks: flags.tasks, limit: flags.limit });
    const base = {
      created_at: new Date().toISOString(),
      env: flags.env.toLowerCase(),
      server: flags.server ?? null,
      split: flags.split,
      base_url: flags.baseUrl ?? null,
      api_key_env: flags.apiKeyEnv ?? null,
      task_indices: taskIndices,
      epochs: flags.epochs,
      seed: flags.seed,
      // Scripted solvers page through data one call at a time; models get the tighter default.
      max_turns: flags.maxTurns ?? (flags.agent ? 500 : 30),
      max_tokens: flags.maxTokens ?? null,
      time_limit_ms: flags.timeLimit === undefined ? null : Math.round(flags.timeLimit * 1000),
      concurrency: flags.concurrency,
      pass_threshold: flags.passThreshold,
      k: ks,
      cache: flags.cache ?? false,
      temperature: flags.temperature ?? null,
      error_retries: flags.errorRetries,
      genegym_version: VERSION,
      env_options: flags.server ? {} : (flags.envOpt ?? {}),
      assembly: flags.server ? null : (flags.assembly ?? null),
      tasks_fingerprint: await tasksFingerprint(driver, flags.split, taskIndices),
    };
    // Several models: one run each, on the same task set, one after the other.
    const players: (string | null)[] = models.length ? models : [null];
    const configs: RunConfig[] = players.map((model) => {
      const who = model ?? flags.agent ?? 'agent';
      const runId = flags.runName ? (players.length > 1 ? `${flags.runName}-${who.replace(/[^A-Za-z0-9_.-]+/g, '-')}` : flags.runName) : newRunId(base.env, who);
      return { ...base, run_id: runId, model, agent: flags.agent ?? 'model' };
    });
    // Build every agent before creating any run, so a missing key leaves nothing behind.
    const agents = [];
    for (const cfg of configs) agents.push(await buildAgent(cfg, agentOptions(flags, home)));
    let exitCode = 0;
    for (let i = 0; i < configs.length; i++) {
      const store = RunStore.create(home, configs[i]);
      process.exitCode = undefined;
      await runAndReport(store, driver, agents[i], flags, home);
      exitCode = Math.max(exitCode, Number(process.exitCode ?? 0));
      if (exitCode === 130) break; // interrupted: the rest are not started
    }
    process.exitCode = exitCode;
  } finally {
    await driver.close();
  }
}

export function listAction(streams: CliIO, flags: { json?: boolean }): void {
  io = streams;
  const index = RunIndex.open(genegymHome());
  try {
    index.sync();
    const rows = index.listRuns();
    if (flags.json) return void io.out.write(JSON.stringify(rows, null, 2) + '\n');
    if (rows.length === 0) return void io.out.write('no runs yet (start one with genegym eval)\n');
    const table = rows.map((r) => {
      const graded = r.correct + r.wrong;
      return [r.run_id, r.env, r.model ?? `agent:${r.agent}`, r.status, `${r.episodes}/${r.planned}`, graded ? `${((100 * r.correct) / graded).toFixed(1)}%` : '-', String(r.errors), String(r.ungraded), formatCost(r.cost)];
    });
    printTable(['run', 'env', 'agent', 'status', 'done', 'accuracy', 'errors', 'ungraded', 'cost'], table);
  } finally {
    index.close();
  }
}

export function showAction(streams: CliIO, runId: string, flags: { json?: boolean; episodes?: boolean }): void {
  io = streams;
  const store = RunStore.open(genegymHome(), runId);
  const { records, torn } = store.read();
  const finalMap = finalRecords(records);
  const finals = [...finalMap.values()].sort((a, b) => a.epoch - b.epoch || a.task_index - b.task_index);
  const summary = summarise(finals, store.config.k, replacedAttempts(records, finalMap));
  if (flags.json) {
    io.out.write(JSON.stringify({ ...summaryJson(store.config, summary), config: store.config, torn_lines: torn, ...(flags.episodes ? { episodes: finals.map(stripTranscript) } : {}) }, null, 2) + '\n');
    return;
  }
  printSummary(store.config, summary, finals.length < plannedEpisodes(store.config));
  if (torn > 0) io.out.write(`note: ${torn} torn line(s) in episodes.jsonl were skipped (crash mid-write)\n`);
  if (flags.episodes) {
    printTable(
      ['task', 'epoch', 'domain', 'outcome', 'reward', 'end', 'turns', 'ms'],
      finals.map((r) => [r.task_id, String(r.epoch), r.domain ?? '', r.outcome, r.reward === null ? '' : String(r.reward), r.end_reason, String(r.turns), String(r.duration_ms)]),
    );
  }
}

export async function resumeAction(streams: CliIO, runId: string, flags: ExecFlags & { concurrency?: number }): Promise<void> {
  io = streams;
  const home = genegymHome();
  const store = RunStore.open(home, runId);
  // An override applies to this invocation only; run.json keeps what the run was started with.
  if (flags.concurrency) store.config.concurrency = flags.concurrency;
  const cfg = store.config;
  // A run is what it says: its environment settings come from run.json, never from this command line.
  refuseChangedSettings(cfg, flags);
  const driver = await buildDriver(cfg, { assembly: cfg.assembly ?? undefined, home, settings: cfg.env_options ?? {} });
  try {
    if (cfg.tasks_fingerprint && (await tasksFingerprint(driver, cfg.split, cfg.task_indices)) !== cfg.tasks_fingerprint) {
      throw new Error(`run ${runId}: the environment now yields different tasks at the run's ${cfg.task_indices.length} indices than when the run started (another genegym version, assembly or server?); resuming would mix two task sets — start a new run instead`);
    }
    const agent = await buildAgent(cfg, agentOptions(flags, home));
    await runAndReport(store, driver, agent, flags, home);
  } finally {
    await driver.close();
  }
}

export function compareAction(streams: CliIO, a: string, b: string, flags: { json?: boolean; seed: number; resamples: number }): void {
  io = streams;
  const home = genegymHome();
  const ra = RunStore.open(home, a);
  const rb = RunStore.open(home, b);
  const cmp = compareRecords([...finalRecords(ra.read().records).values()], [...finalRecords(rb.read().records).values()], {
    seed: flags.seed,
    resamples: flags.resamples,
    runs: [ra.config, rb.config],
  });
  if (flags.json) return void io.out.write(JSON.stringify({ a, b, ...cmp }, null, 2) + '\n');
  printComparison(a, b, cmp);
}

export function reindexAction(streams: CliIO, runId: string): void {
  io = streams;
  const store = RunStore.open(genegymHome(), runId);
  const t0 = Date.now();
  const { lines, episodes, torn } = store.rebuildSidecar();
  io.out.write(`${runId}: indexed ${lines} lines (${episodes} episode records${torn ? `, ${torn} torn line(s) left to readers to skip` : ''}) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

export function exportAction(streams: CliIO, runId: string, flags: { format: ExportFormat; transcripts: boolean; output?: string }): void {
  io = streams;
  const store = RunStore.open(genegymHome(), runId);
  const finals = [...finalRecords(store.read().records).values()].sort((x, y) => x.epoch - y.epoch || x.task_index - y.task_index);
  const text = exportRecords(finals, flags.format, { transcripts: flags.transcripts });
  if (flags.output) writeFileSync(flags.output, text);
  else io.out.write(text);
}

/** Exit code 1 when more episodes ended in error than --fail-on-error tolerates. */
function errorsExceed(errors: number, episodes: number, tolerance = 0): boolean {
  const allowed = tolerance > 0 && tolerance < 1 ? tolerance * episodes : tolerance;
  return errors > allowed;
}

function envOptions(flags: ExecFlags, home: string) {
  return { assembly: flags.assembly, home, settings: flags.envOpt ?? {} };
}

function refuseChangedSettings(cfg: RunConfig, flags: ExecFlags): void {
  const recorded = cfg.env_options ?? {};
  const fmt = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `--env-opt ${k}=${v}`).join(' ') || 'no --env-opt';
  if (flags.envOpt && JSON.stringify(Object.entries(flags.envOpt).sort()) !== JSON.stringify(Object.entries(recorded).sort())) {
    throw new Error(`run ${cfg.run_id} was started with ${fmt(recorded)}; resume reuses the run's own settings, so drop --env-opt (to change them, start a new run)`);
  }
  if (flags.assembly !== undefined && flags.assembly !== (cfg.assembly ?? undefined)) {
    throw new Error(`run ${cfg.run_id} was started with ${cfg.assembly ? `--assembly ${cfg.assembly}` : 'the default assembly'}; resume reuses it, so drop --assembly (to change it, start a new run)`);
  }
}

/** Model-call retries of the current run, shown with the progress. */
const retryState = { count: 0 };

function agentOptions(flags: ExecFlags, home: string) {
  return {
    home,
    onRetry: (e: RetryEvent) => {
      retryState.count++;
      // --json keeps stdout for the summary; retries still show, as JSON lines on stderr
      if (flags.json) io.err.write(JSON.stringify({ event: 'model_retry', attempt: e.attempt, delay_ms: e.delayMs, kind: e.error.kind, status: e.error.status, error: e.error.message }) + '\n');
    },
    timeoutMs: Math.round((flags.timeout ?? 120) * 1000),
    retry: { retries: flags.maxRetries ?? 6, baseMs: flags.retryBaseMs ?? 1000 },
  };
}

async function runAndReport(store: RunStore, driver: Awaited<ReturnType<typeof buildDriver>>, agent: Awaited<ReturnType<typeof buildAgent>>, flags: ExecFlags, home: string): Promise<void> {
  const prices = loadPriceTable(flags.prices);
  const index = RunIndex.open(home);
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    io.err.write(`\n${sig}: stopping; finished episodes are saved. Press Ctrl-C again to quit at once.\n`);
    controller.abort(new Error(sig));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  retryState.count = 0; // each run counts its own (several --model values run one after another)
  const reporter = createProgressReporter({ runId: store.id, quiet: flags.quiet, stream: io.err });
  if (!flags.json && !flags.quiet) io.err.write(`run ${store.id} (${store.config.env}/${store.config.split}, ${store.config.model ?? `agent ${store.config.agent}`})\n`);
  let result: ExecuteResult;
  try {
    result = await executeRun({ store, index, driver, agent, prices, signal: controller.signal, onProgress: (p) => reporter.update({ ...p, retries: retryState.count }) });
  } finally {
    reporter.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    index.close();
  }
  if (flags.json) {
    io.out.write(JSON.stringify({ ...summaryJson(store.config, result.summary), interrupted: result.interrupted }) + '\n');
  } else {
    printSummary(store.config, result.summary, result.interrupted);
  }
  if (result.interrupted) {
    io.err.write(`interrupted: resume with  genegym runs resume ${store.id}\n`);
    process.exitCode = 130;
    return;
  }
  const { errors, episodes } = result.summary;
  if (errors > 0) {
    const last = lastError(store);
    io.err.write(`${errors} of ${episodes} episode(s) ended in error (not counted as wrong)${last ? `; last error: ${last}` : ''}; retry them with  genegym runs resume ${store.id}\n`);
  }
  if (errorsExceed(errors, episodes, flags.failOnError)) {
    if (flags.failOnError) io.err.write(`exit code 1: ${errors} errored episode(s) exceed --fail-on-error ${flags.failOnError}\n`);
    process.exitCode = 1;
  }
}

/** The detail of the newest errored episode (names the endpoint and the last status). */
function lastError(store: RunStore): string | null {
  const errored = [...finalRecords(store.read().records).values()].filter((r) => r.outcome === 'error');
  return errored.at(-1)?.detail ?? null;
}

export function summaryJson(cfg: RunConfig, s: RunSummary) {
  return {
    run_id: cfg.run_id,
    env: cfg.env,
    split: cfg.split,
    episodes: s.episodes,
    correct: s.correct,
    accuracy: s.accuracy,
    ci_low: s.ci_low,
    ci_high: s.ci_high,
    errors: s.errors,
    ungraded: s.ungraded,
    mean_reward: s.mean_reward,
    wrong: s.wrong,
    planned: plannedEpisodes(cfg),
    model: cfg.model,
    agent: cfg.agent,
    pass_k: s.pass_k,
    by_domain: s.by_domain,
    usage: s.usage,
    usage_replaced: s.usage_replaced,
  };
}

const num = (x: number | null) => (x === null ? '-' : x.toFixed(3));
const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);

function printSummary(cfg: RunConfig, s: RunSummary, partial: boolean): void {
  const out: string[] = [];
  out.push(`run ${cfg.run_id}${partial ? ' (partial)' : ''}`);
  out.push(`  ${cfg.env}/${cfg.split}  ${cfg.model ?? `agent ${cfg.agent}`}  ${cfg.task_indices.length} tasks x ${cfg.epochs} epoch(s)`);
  out.push(`  accuracy ${pct(s.accuracy)}  95% CI [${pct(s.ci_low)}, ${pct(s.ci_high)}]  (${s.correct} correct / ${s.correct + s.wrong} graded)`);
  out.push(`  ungraded ${s.ungraded}  errors ${s.errors} (not counted)  mean reward ${s.mean_reward === null ? '-' : s.mean_reward.toFixed(3)}`);
  for (const p of s.pass_k) out.push(`  pass@${p.k} ${pct(p.pass_at_k)}  pass^${p.k} ${pct(p.pass_hat_k)}  (${p.tasks} tasks)`);
  out.push(`  agent tokens ${s.usage.agent.inputTokens} in / ${s.usage.agent.outputTokens} out, cost ${formatCost(s.usage.agent.cost)}; judge tokens ${s.usage.judge.inputTokens + s.usage.judge.outputTokens}, cost ${formatCost(s.usage.judge.cost)}`);
  const r = s.usage_replaced;
  if (r.attempts > 0) out.push(`  of which ${r.attempts} errored attempt(s) later re-run: agent tokens ${r.agent.inputTokens + r.agent.outputTokens}, cost ${formatCost(r.agent.cost)}`);
  out.push(`  episode time total ${formatDuration(s.duration_ms)}`);
  io.out.write(out.join('\n') + '\n');
  const domains = Object.entries(s.by_domain);
  if (domains.length > 1 || (domains.length === 1 && domains[0][0] !== '(none)')) {
    printTable(
      ['domain', 'graded', 'correct', 'accuracy', '95% CI', 'ungraded', 'errors'],
      domains.map(([d, a]) => [d, String(a.correct + a.wrong), String(a.correct), pct(a.accuracy), `[${pct(a.ci_low)}, ${pct(a.ci_high)}]`, String(a.ungraded), String(a.errors)]),
    );
  }
}

function printComparison(a: string, b: string, c: Comparison): void {
  const out = [
    `A = ${a}`,
    `B = ${b}`,
    `paired episodes ${c.pairs} (excluded: ${c.excluded_not_graded} not graded in both, ${c.only_in_a} only in A, ${c.only_in_b} only in B)`,
    `accuracy A ${pct(c.a_accuracy)} [${pct(c.a_ci[0])}, ${pct(c.a_ci[1])}]   B ${pct(c.b_accuracy)} [${pct(c.b_ci[0])}, ${pct(c.b_ci[1])}]`,
    `difference B - A ${c.diff === null ? '-' : `${(100 * c.diff).toFixed(1)} pts`}  95% paired bootstrap CI [${c.diff_ci_low === null ? '-' : (100 * c.diff_ci_low).toFixed(1)}, ${c.diff_ci_high === null ? '-' : (100 * c.diff_ci_high).toFixed(1)}] (seed ${c.bootstrap.seed}, ${c.bootstrap.resamples} resamples, by task)`,
    `discordant: A right/B wrong ${c.a_only_correct}, A wrong/B right ${c.b_only_correct}; exact McNemar p = ${c.mcnemar_p.toPrecision(4)}`,
    `mean reward A ${num(c.reward.a_mean)}   B ${num(c.reward.b_mean)}   difference B - A ${num(c.reward.diff)}  95% paired bootstrap CI [${num(c.reward.diff_ci_low)}, ${num(c.reward.diff_ci_high)}]`,
    `reward: B higher on ${c.reward.b_higher} pairs, lower on ${c.reward.b_lower}; sign test p = ${c.reward.sign_test_p.toPrecision(4)}, Wilcoxon signed-rank p = ${c.reward.wilcoxon_p.toPrecision(4)}`,
    ...Object.entries(c.by_domain).map(
      ([d, v]) =>
        `  ${d}: ${v.pairs} pairs, accuracy A ${pct(v.a_correct / v.pairs)} B ${pct(v.b_correct / v.pairs)}, mean reward A ${num(v.a_mean_reward)} B ${num(v.b_mean_reward)}, ` +
        `B - A ${num(v.reward_diff)} [95% CI ${num(v.reward_diff_ci_low)}, ${num(v.reward_diff_ci_high)}], Wilcoxon p ${v.reward_wilcoxon_p.toPrecision(2)}`,
    ),
    ...c.warnings.map((w) => `warning: ${w}`),
  ];
  io.out.write(out.join('\n') + '\n');
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  io.out.write([line(header), ...rows.map(line)].join('\n') + '\n');
}

function stripTranscript(r: EpisodeRecord) {
  const { transcript: _t, ...rest } = r;
  return rest;
}

