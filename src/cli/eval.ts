// `genegym eval` and `genegym runs list|show|resume|compare|export`.

import { InvalidArgumentError, Option, type Command } from 'commander';
import { integer } from './args.js';
import { writeFileSync } from 'node:fs';
import { genegymHome } from '../genome/home.js';
import { loadPriceTable } from '../models/index.js';
import { compareRecords, type Comparison } from '../runs/compare.js';
import { exportRecords, type ExportFormat } from '../runs/export.js';
import { RunIndex } from '../runs/index-db.js';
import { buildAgent, buildDriver, newRunId, planTasks, resolveKs } from '../runs/launch.js';
import { createProgressReporter, formatCost, formatDuration } from '../runs/progress.js';
import { executeRun, type ExecuteResult } from '../runs/runner.js';
import { finalRecords, RunStore } from '../runs/store.js';
import { plannedEpisodes } from '../runs/status.js';
import { summarise, type RunSummary } from '../runs/summary.js';
import type { EpisodeRecord, RunConfig } from '../runs/types.js';

const VERSION = '0.1.0';

/** Where the commands write: the process streams, or string sinks in tests. */
export interface CliIO {
  out: { write(s: string): unknown };
  err: { write(s: string): unknown; isTTY?: boolean };
}

let io: CliIO = { out: process.stdout, err: process.stderr };

function positiveNumber(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number (got ${JSON.stringify(raw)})`);
    return n;
  };
}

function number(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number (got ${JSON.stringify(raw)})`);
    return n;
  };
}

function list(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

function intList(value: string, previous: number[] = []): number[] {
  return [...previous, ...list(value).map(integer('--pass-k', 1))];
}

function keyValue(raw: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value (got ${JSON.stringify(raw)})`);
  return { ...previous, [raw.slice(0, eq).trim()]: raw.slice(eq + 1) };
}

interface ExecFlags {
  json?: boolean;
  quiet?: boolean;
  prices?: string;
  timeout?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  envOpt?: Record<string, string>;
  assembly?: string;
}

interface EvalFlags extends ExecFlags {
  env: string;
  server?: string;
  model?: string;
  agent?: string;
  baseUrl?: string;
  apiKeyEnv?: string;
  split: string;
  limit?: number;
  tasks?: string[];
  epochs: number;
  passK?: number[];
  concurrency: number;
  maxTurns?: number;
  maxTokens?: number;
  timeLimit?: number;
  seed: number;
  temperature?: number;
  runName?: string;
  cache?: boolean;
  errorRetries: number;
  passThreshold: number;
}

function addExecOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'print one JSON summary object on stdout at the end')
    .option('--quiet', 'no progress output')
    .option('--prices <file>', 'JSON price table {"provider:model": {"inputPerMTok": n, "outputPerMTok": n}}')
    .option('--timeout <seconds>', 'time limit of one model request', positiveNumber('--timeout'), 120)
    .option('--max-retries <n>', 'retries of a model request on 429, 5xx and timeouts', integer('--max-retries', 0), 6)
    .addOption(new Option('--retry-base-ms <ms>', 'first retry delay (doubles each retry, with jitter)').argParser(integer('--retry-base-ms', 0)).default(1000).hideHelp())
    .option('--env-opt <key=value>', 'environment setting for in-process runs (repeatable)', keyValue)
    .option('--assembly <name>', 'assembly for genome environments run in-process');
}

export function registerEvalCommands(program: Command, streams?: CliIO): void {
  if (streams) io = streams;
  addExecOptions(
    program
      .command('eval')
      .description('Run an agent (a model or a built-in scripted agent) on an environment and record every episode')
      .requiredOption('--env <name>', 'environment name')
      .option('--server <url>', 'ORS server URL (default: run the environment in-process)')
      .option('--model <spec>', 'openai:<model> (any OpenAI-compatible server) or anthropic:<model>')
      .option('--agent <name>', 'built-in scripted agent instead of a model (e.g. oracle)')
      .option('--base-url <url>', 'model API base URL (vLLM, Ollama, OpenRouter...)')
      .option('--api-key-env <VAR>', 'environment variable holding the model API key')
      .option('--split <name>', 'task split', 'test')
      .option('--limit <n>', 'run at most n tasks', integer('--limit', 1))
      .option('--tasks <ids>', 'task ids or indices, comma-separated (repeatable)', list)
      .option('--epochs <k>', 'episodes per task', integer('--epochs', 1), 1)
      .option('--pass-k <k>', 'report pass@k and pass^k for these k (default 1 and epochs)', intList)
      .option('--concurrency <n>', 'episodes in flight (model calls adapt below this on 429s)', integer('--concurrency', 1), 8)
      .option('--max-turns <n>', 'agent turns per episode (default 30 for models, 500 for scripted agents)', integer('--max-turns', 1))
      .option('--max-tokens <n>', 'agent tokens per episode', integer('--max-tokens', 1))
      .option('--time-limit <seconds>', 'wall-clock limit per episode', positiveNumber('--time-limit'))
      .option('--seed <n>', 'run seed (per-episode seeds derive from it)', integer('--seed', 0), 0)
      .option('--temperature <t>', 'model sampling temperature', number('--temperature'))
      .option('--run-name <id>', 'run id (default: date-env-agent-random)')
      .option('--cache', 'reuse cached model responses for identical requests (re-scoring)')
      .option('--error-retries <n>', 'times an episode that ended in error is re-run', integer('--error-retries', 0), 1)
      .option('--pass-threshold <r>', 'reward at which a finished episode counts correct', number('--pass-threshold'), 1),
  ).action(async (flags: EvalFlags) => {
    if (!flags.model === !flags.agent) throw new Error('give exactly one of --model <spec> or --agent <name>');
    const home = genegymHome();
    const ks = resolveKs(flags.epochs, flags.passK);
    const driver = await buildDriver({ env: flags.env, server: flags.server ?? null }, envOptions(flags, home));
    let store: RunStore;
    try {
      const taskIndices = await planTasks(driver, flags.split, { tasks: flags.tasks, limit: flags.limit });
      const cfg: RunConfig = {
        run_id: flags.runName ?? newRunId(flags.env.toLowerCase(), flags.model ?? flags.agent ?? 'agent'),
        created_at: new Date().toISOString(),
        env: flags.env.toLowerCase(),
        server: flags.server ?? null,
        split: flags.split,
        model: flags.model ?? null,
        base_url: flags.baseUrl ?? null,
        api_key_env: flags.apiKeyEnv ?? null,
        agent: flags.agent ?? 'model',
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
      };
      // Build the agent before creating the run, so a missing key leaves nothing behind.
      const agent = buildAgent(cfg, agentOptions(flags, home));
      store = RunStore.create(home, cfg);
      await runAndReport(store, driver, agent, flags, home);
    } finally {
      await driver.close();
    }
  });

  const runs = program.command('runs').description('List, inspect, resume, compare and export evaluation runs');

  runs
    .command('list')
    .description('Runs under GENEGYM_HOME/runs, newest first')
    .option('--json', 'JSON array')
    .action((flags: { json?: boolean }) => {
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
    });

  runs
    .command('show <run>')
    .description('Summary of one run: accuracy with 95% CIs overall and per domain, pass@k, tokens and cost')
    .option('--json', 'print the summary as JSON')
    .option('--episodes', 'also list every episode')
    .action((runId: string, flags: { json?: boolean; episodes?: boolean }) => {
      const store = RunStore.open(genegymHome(), runId);
      const { records, torn } = store.read();
      const finals = [...finalRecords(records).values()].sort((a, b) => a.epoch - b.epoch || a.task_index - b.task_index);
      const summary = summarise(finals, store.config.k);
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
    });

  addExecOptions(
    runs
      .command('resume <run>')
      .description('Finish an interrupted run: runs every episode without a record (and re-runs errored ones); never repeats a completed one')
      .option('--concurrency <n>', 'override the run concurrency', integer('--concurrency', 1)),
  ).action(async (runId: string, flags: ExecFlags & { concurrency?: number }) => {
    const home = genegymHome();
    const store = RunStore.open(home, runId);
    // An override applies to this invocation only; run.json keeps what the run was started with.
    if (flags.concurrency) store.config.concurrency = flags.concurrency;
    const cfg = store.config;
    const driver = await buildDriver(cfg, envOptions(flags, home));
    try {
      const agent = buildAgent(cfg, agentOptions(flags, home));
      await runAndReport(store, driver, agent, flags, home);
    } finally {
      await driver.close();
    }
  });

  runs
    .command('compare <a> <b>')
    .description('Pair episodes of two runs by (task, epoch): accuracy difference B − A with a paired bootstrap 95% CI and an exact McNemar test')
    .option('--json', 'print the comparison as JSON')
    .option('--seed <n>', 'bootstrap seed', integer('--seed', 0), 12345)
    .option('--resamples <n>', 'bootstrap resamples', integer('--resamples', 100), 10_000)
    .action((a: string, b: string, flags: { json?: boolean; seed: number; resamples: number }) => {
      const home = genegymHome();
      const ra = RunStore.open(home, a);
      const rb = RunStore.open(home, b);
      const cmp = compareRecords([...finalRecords(ra.read().records).values()], [...finalRecords(rb.read().records).values()], { seed: flags.seed, resamples: flags.resamples });
      if (flags.json) return void io.out.write(JSON.stringify({ a, b, ...cmp }, null, 2) + '\n');
      printComparison(a, b, cmp);
    });

  runs
    .command('reindex <run>')
    .description('Rewrite a run\'s sidecar index (episodes.idx.jsonl) from its episodes.jsonl, for runs written without one: the web viewer then opens them without parsing every line')
    .action((runId: string) => {
      const store = RunStore.open(genegymHome(), runId);
      const t0 = Date.now();
      const { lines, episodes, torn } = store.rebuildSidecar();
      io.out.write(`${runId}: indexed ${lines} lines (${episodes} episode records${torn ? `, ${torn} torn line(s) left to readers to skip` : ''}) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    });

  runs
    .command('export <run>')
    .description('Write the final episode records as JSON lines or CSV')
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'csv']).default('jsonl'))
    .option('--no-transcripts', 'leave transcripts out of JSON lines')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action((runId: string, flags: { format: ExportFormat; transcripts: boolean; output?: string }) => {
      const store = RunStore.open(genegymHome(), runId);
      const finals = [...finalRecords(store.read().records).values()].sort((x, y) => x.epoch - y.epoch || x.task_index - y.task_index);
      const text = exportRecords(finals, flags.format, { transcripts: flags.transcripts });
      if (flags.output) writeFileSync(flags.output, text);
      else io.out.write(text);
    });
}

function envOptions(flags: ExecFlags, home: string) {
  return { assembly: flags.assembly, home, settings: flags.envOpt ?? {} };
}

/** Model-call retries of the current invocation, shown with the progress. */
const retryState = { count: 0 };

function agentOptions(flags: ExecFlags, home: string) {
  return {
    home,
    onRetry: () => void retryState.count++,
    timeoutMs: Math.round((flags.timeout ?? 120) * 1000),
    retry: { retries: flags.maxRetries ?? 6, baseMs: flags.retryBaseMs ?? 1000 },
  };
}

async function runAndReport(store: RunStore, driver: Awaited<ReturnType<typeof buildDriver>>, agent: ReturnType<typeof buildAgent>, flags: ExecFlags, home: string): Promise<void> {
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
  } else if (result.summary.errors > 0 && !flags.json) {
    io.err.write(`${result.summary.errors} episode(s) ended in error (not counted as wrong); retry them with  genegym runs resume ${store.id}\n`);
  }
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
  };
}

const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);

function printSummary(cfg: RunConfig, s: RunSummary, partial: boolean): void {
  const out: string[] = [];
  out.push(`run ${cfg.run_id}${partial ? ' (partial)' : ''}`);
  out.push(`  ${cfg.env}/${cfg.split}  ${cfg.model ?? `agent ${cfg.agent}`}  ${cfg.task_indices.length} tasks x ${cfg.epochs} epoch(s)`);
  out.push(`  accuracy ${pct(s.accuracy)}  95% CI [${pct(s.ci_low)}, ${pct(s.ci_high)}]  (${s.correct} correct / ${s.correct + s.wrong} graded)`);
  out.push(`  ungraded ${s.ungraded}  errors ${s.errors} (not counted)  mean reward ${s.mean_reward === null ? '-' : s.mean_reward.toFixed(3)}`);
  for (const p of s.pass_k) out.push(`  pass@${p.k} ${pct(p.pass_at_k)}  pass^${p.k} ${pct(p.pass_hat_k)}  (${p.tasks} tasks)`);
  out.push(`  agent tokens ${s.usage.agent.inputTokens} in / ${s.usage.agent.outputTokens} out, cost ${formatCost(s.usage.agent.cost)}; judge tokens ${s.usage.judge.inputTokens + s.usage.judge.outputTokens}, cost ${formatCost(s.usage.judge.cost)}`);
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

