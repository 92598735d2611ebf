// `genegym eval` and `genegym runs list|show|resume|compare|export`: the commands and their
// options. What they do is in eval-actions.ts, loaded only when a command runs.

import { InvalidArgumentError, Option, type Command } from 'commander';
import { integer } from './args.js';
import type { ExportFormat } from '../runs/export.js';

/** Where the commands write: the process streams, or string sinks in tests. */
export interface CliIO {
  out: { write(s: string): unknown };
  err: { write(s: string): unknown; isTTY?: boolean };
}

let io: CliIO = { out: process.stdout, err: process.stderr };

/** The actions and everything they need load only when a command runs (fast --help and start-up). */
const actions = () => import('./eval-actions.js');

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

export interface ExecFlags {
  json?: boolean;
  quiet?: boolean;
  prices?: string;
  timeout?: number;
  maxRetries?: number;
  retryBaseMs?: number;
  envOpt?: Record<string, string>;
  assembly?: string;
  failOnError?: number;
  logDir?: string;
}

export interface EvalFlags extends ExecFlags {
  env: string;
  server?: string;
  model?: string[];
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
    .option('--assembly <name>', 'assembly for genome environments run in-process')
    .option('--fail-on-error <n|fraction>', 'errored episodes tolerated before the exit code is 1: a count (e.g. 3) or a fraction below 1 (e.g. 0.05); default 0', errorTolerance)
    .option('--log-dir <dir>', 'where runs are written (default $GENEGYM_LOG_DIR or $GENEGYM_HOME/runs)');
}

function errorTolerance(raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || (n >= 1 && !Number.isInteger(n))) {
    throw new InvalidArgumentError(`--fail-on-error must be a whole count (0, 1, 2...) or a fraction in (0, 1) (got ${JSON.stringify(raw)})`);
  }
  return n;
}

export function applyLogDir(flags: { logDir?: string }): void {
  if (flags.logDir) process.env.GENEGYM_LOG_DIR = flags.logDir;
}

export function registerEvalCommands(program: Command, streams?: CliIO): void {
  if (streams) io = streams;
  addExecOptions(
    program
      .command('eval')
      .description('Run an agent (a model or a built-in scripted agent) on an environment and record every episode')
      .requiredOption('--env <name>', 'environment name')
      .option('--server <url>', 'ORS server URL (default: run the environment in-process)')
      .option('--model <spec>', 'provider/model or provider:model; providers openai, anthropic, vllm, ollama, openrouter, together (base URL from --base-url or $<PROVIDER>_BASE_URL); repeatable or comma-separated: one run per model on the same tasks', list)
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
  ).hook('preAction', (cmd) => applyLogDir(cmd.opts())).action(async (flags: EvalFlags) => (await actions()).evalAction(io, flags));

  const runs = program.command('runs').description('List, inspect, resume, compare and export evaluation runs');

  runs
    .command('list')
    .option('--log-dir <dir>', 'where runs are (default $GENEGYM_LOG_DIR or $GENEGYM_HOME/runs)')
    .hook('preAction', (cmd) => applyLogDir(cmd.opts()))
    .description('Runs under GENEGYM_HOME/runs, newest first')
    .option('--json', 'JSON array')
    .action(async (flags: { json?: boolean }) => (await actions()).listAction(io, flags));

  runs
    .command('show <run>')
    .option('--log-dir <dir>', 'where runs are (default $GENEGYM_LOG_DIR or $GENEGYM_HOME/runs)')
    .hook('preAction', (cmd) => applyLogDir(cmd.opts()))
    .description('Summary of one run: accuracy with 95% CIs overall and per domain, pass@k, tokens and cost')
    .option('--json', 'print the summary as JSON')
    .option('--episodes', 'also list every episode')
    .action(async (runId: string, flags: { json?: boolean; episodes?: boolean }) => (await actions()).showAction(io, runId, flags));

  addExecOptions(
    runs
      .command('resume <run>')
      .description('Finish an interrupted run: runs every episode without a record (and re-runs errored ones); never repeats a completed one')
      .option('--concurrency <n>', 'override the run concurrency', integer('--concurrency', 1)),
  ).hook('preAction', (cmd) => applyLogDir(cmd.opts())).action(async (runId: string, flags: ExecFlags & { concurrency?: number }) => (await actions()).resumeAction(io, runId, flags));

  runs
    .command('compare <a> <b>')
    .option('--log-dir <dir>', 'where runs are (default $GENEGYM_LOG_DIR or $GENEGYM_HOME/runs)')
    .hook('preAction', (cmd) => applyLogDir(cmd.opts()))
    .description('Pair episodes of two runs by (task, epoch): accuracy difference B − A with a paired bootstrap 95% CI and an exact McNemar test')
    .option('--json', 'print the comparison as JSON')
    .option('--seed <n>', 'bootstrap seed', integer('--seed', 0), 12345)
    .option('--resamples <n>', 'bootstrap resamples', integer('--resamples', 100), 10_000)
    .action(async (a: string, b: string, flags: { json?: boolean; seed: number; resamples: number }) => (await actions()).compareAction(io, a, b, flags));

  runs
    .command('reindex <run>')
    .option('--log-dir <dir>', 'where runs are (default $GENEGYM_LOG_DIR or $GENEGYM_HOME/runs)')
    .hook('preAction', (cmd) => applyLogDir(cmd.opts()))
    .description('Rewrite a run\'s sidecar index (episodes.idx.jsonl) from its episodes.jsonl, for runs written without one: the web viewer then opens them without parsing every line')
    .action(async (runId: string) => (await actions()).reindexAction(io, runId));

  runs
    .command('export <run>')
    .option('--log-dir <dir>', 'where runs are (default $GENEGYM_LOG_DIR or $GENEGYM_HOME/runs)')
    .hook('preAction', (cmd) => applyLogDir(cmd.opts()))
    .description('Write the final episode records as JSON lines or CSV')
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'csv']).default('jsonl'))
    .option('--no-transcripts', 'leave transcripts out of JSON lines')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (runId: string, flags: { format: ExportFormat; transcripts: boolean; output?: string }) => (await actions()).exportAction(io, runId, flags));
}

