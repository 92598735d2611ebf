// The `case-studies` ORS environment: each task is (case, seed); opening it generates the
// calibrated instance on the server, copies only the data files into a fresh sandboxed
// workspace, and offers file and code tools plus submit_answer. Truth and bounds stay in
// server memory; task specs, prompts, files and tool outputs never contain them.

import { Type } from '@sinclair/typebox';
import { defineEnvironment, defineTool, type Environment, InvalidTaskError, ToolError, UnknownSplitError } from '../../ors/environment.js';
import { type JsonObject, toolOutput } from '../../ors/types.js';
import { schemaFields } from '../../grading/json-answer.js';
import type { JudgeConfig } from '../../grading/judge.js';
import { judgeRubric, parseRubric, precheckRubric, type Rubric, type RubricScore } from '../../grading/rubric.js';
import { type Limits, openSandbox, type Sandbox, type SandboxMode } from '../../sandbox/index.js';
import { defineRunTool } from '../../sandbox/run-tool.js';
import { CorruptGzipError, readLinePage } from '../../sandbox/line-pages.js';
import { LIST_MAX_DEPTH, LIST_MAX_ENTRIES, LIST_MAX_PATH_CHARS, listWorkspace, openWorkspaceFile, type WorkspaceListing, WorkspaceFsError } from '../../sandbox/safe-fs.js';
import { type CaseReward, DEFAULT_CASE_REWARD, gradeResponse } from './framework/grade.js';
import { isCaseSplit, type CaseSplit, type ServedInstance, splitOfSeed, splitSeed } from './framework/generate.js';
import { InstanceCache, type InstanceCacheOptions, servedInstances } from './framework/instance-cache.js';
import type { CaseStudy } from './types.js';

export interface CaseStudiesOptions {
  cases: CaseStudy[];
  sandbox: SandboxMode;
  /** instances per case in each split (the split size is this × number of cases) */
  perCase?: Partial<Record<CaseSplit, number>>;
  limits?: Partial<Limits>;
  /** where workspaces are created, as <parent>/genegym-ws/<pid>-<random>/ws-* (default os.tmpdir()); must be searchable by other users */
  workspaceParent?: string;
  judge?: JudgeConfig | null;
  /** default 'binary' (DEFAULT_CASE_REWARD): the per-field fraction pays for lucky guesses */
  reward?: CaseReward;
  formatPenalty?: number;
  cacheSize?: number;
  maxAttempts?: number;
  /** where instances are generated (default: the process-wide worker pool; 0 = in-process) */
  workers?: InstanceCacheOptions['workers'];
}

interface State {
  cs: CaseStudy;
  instance: ServedInstance;
  sandbox: Sandbox;
  prompt: string;
  submitted: boolean;
}

/** read_file refuses larger files. */
export const READ_FILE_MAX_BYTES = 64 * 1024 * 1024;
/** read_file stops decompressing a .gz after this much output (a gzip bomb stays small). */
export const READ_FILE_MAX_INFLATED_BYTES = 16 * 1024 * 1024;
/** Longest path a file tool accepts (checked by the schema, before anything is parsed). */
const MAX_PATH_CHARS = 4096;

export const DEFAULT_PER_CASE: Record<CaseSplit, number> = { train: 10_000, test: 200 };

/** The agent-facing answer contract appended to every prompt. */
export function answerContract(cs: CaseStudy): string {
  const keys = schemaFields(cs.answerSchema).map((f) => `"${f.key}": ${f.kind === 'label' ? f.labels!.map((l) => JSON.stringify(l)).join(' | ') : `<${f.kind === 'integer' ? 'int' : 'float'}>`}`);
  return [
    'How to work: your files are in /workspace (the working directory of run_python and run_bash). list_files and',
    'read_file show them (read_file decompresses .gz and pages through long files); run_python and run_bash execute',
    'code in an offline sandbox with python3, numpy, scipy, pandas and statsmodels. There is no network.',
    'When you are done, call submit_answer once with `response` set to exactly one JSON object — no markdown fences,',
    'no text before or after it, no key omitted, integers where an int is asked, finite numbers, and one of the',
    'listed strings where alternatives are shown:',
    `{"answer": {${keys.join(', ')}}, "reasoning": "<method and QC>"}`,
  ].join('\n');
}

export function taskSpec(cs: CaseStudy, split: CaseSplit, seed: number, index: number): JsonObject {
  return { id: `${cs.id}/${split}/${seed}`, case: cs.id, seed, split, index };
}

export function createCaseStudiesEnvironment(opts: CaseStudiesOptions): Environment<State> {
  if (opts.cases.length === 0) throw new Error('case-studies: no cases registered');
  const cases = opts.cases;
  const reward = opts.reward ?? DEFAULT_CASE_REWARD;
  const perCase: Record<CaseSplit, number> = {
    train: opts.perCase?.train ?? DEFAULT_PER_CASE.train,
    test: opts.perCase?.test ?? DEFAULT_PER_CASE.test,
  };
  if (perCase.train + perCase.test > 0 && perCase.train >= 1_000_000_000) throw new RangeError('train split larger than its seed range');
  // Own options → own cache (and own pool, closed at dispose); else the process-wide one.
  const own = opts.cacheSize !== undefined || opts.maxAttempts !== undefined || opts.workers !== undefined;
  const cache = own ? new InstanceCache({ capacity: opts.cacheSize, maxAttempts: opts.maxAttempts, workers: opts.workers }) : servedInstances;
  const rubrics = new Map<string, Rubric>(cases.map((c) => [c.id, parseRubric({ items: c.rubric, red_flags: c.redFlags ?? [] }, `${c.id} rubric`)]));
  const splitOf = (split: string): CaseSplit => {
    if (!isCaseSplit(split)) throw new UnknownSplitError(split);
    return split;
  };
  const specAt = (split: string, i: number): JsonObject => {
    const s = splitOf(split);
    const cs = cases[i % cases.length];
    return taskSpec(cs, s, splitSeed(s, Math.floor(i / cases.length)), i);
  };

  const listFilesTool = defineTool({
    name: 'list_files',
    description: 'List the files in your workspace (or a sub-directory) with their sizes in bytes.',
    input: Type.Object({ path: Type.Optional(Type.String({ maxLength: MAX_PATH_CHARS, description: 'sub-directory, relative to /workspace' })) }),
    async run(input, st: State) {
      const listing = await listWorkspace(st.sandbox.workspace, input.path ?? '').catch((err: Error) => {
        throw err instanceof WorkspaceFsError ? new ToolError(`cannot list ${input.path}: ${err.message}`) : err;
      });
      const lines = listing.files.map((f) => `${f.path}\t${f.bytes}`);
      const text = [lines.length ? lines.join('\n') : '(no files)', ...listingNotes(listing)].join('\n');
      return toolOutput({ text, metadata: { count: listing.files.length, truncated: listing.truncated } });
    },
  });

  const readFileTool = defineTool({
    name: 'read_file',
    description: 'Read a text file from the workspace by lines (gzip is decompressed transparently). Use offset/limit to page.',
    input: Type.Object({
      path: Type.String({ maxLength: MAX_PATH_CHARS, description: 'file path relative to /workspace' }),
      offset: Type.Optional(Type.Integer({ minimum: 0, description: 'first line to return (0-based), default 0' })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000, description: 'number of lines, default 200' })),
    }),
    async run(input, st: State) {
      // Opened without following links at any component, then read only through this
      // descriptor: the agent's code may swap any path for a symlink at any moment.
      const { handle, stats } = await openWorkspaceFile(st.sandbox.workspace, input.path).catch((err: Error) => {
        throw err instanceof WorkspaceFsError ? new ToolError(`cannot read ${input.path}: ${err.message}`) : err;
      });
      const offset = input.offset ?? 0;
      const limit = input.limit ?? 200;
      let page;
      try {
        if (stats.size > READ_FILE_MAX_BYTES) throw new ToolError(`${input.path} is ${stats.size} bytes; read_file reads files up to ${READ_FILE_MAX_BYTES} bytes — use run_python or run_bash`);
        page = await readLinePage(handle, { offset, limit, fileBytes: stats.size, maxInflatedBytes: READ_FILE_MAX_INFLATED_BYTES });
      } catch (err) {
        if (err instanceof CorruptGzipError) throw new ToolError(`${input.path} looks gzip-compressed but could not be decompressed (${err.message}); use run_python`);
        throw err;
      } finally {
        await handle.close().catch(() => {});
      }
      if (page.binary) throw new ToolError(`${input.path} is binary (e.g. .npy/.npz); load it with run_python (numpy.load)`);
      const { end, linesCounted: counted } = page;
      const last = Math.max(offset, end - 1);
      let head: string;
      if (page.capped) {
        const next = end < counted ? `; next offset ${end}` : '';
        head = `${input.path} (gzip): lines ${offset}–${last} of at least ${counted}${next} — decompression stopped after ${READ_FILE_MAX_INFLATED_BYTES / (1024 * 1024)} MiB of output; read the rest with run_python (e.g. gzip.open)`;
      } else {
        head = `${input.path}${page.gzip ? ' (gzip)' : ''}: lines ${offset}–${last} of ${counted}${end < counted ? `; next offset ${end}` : '; end of file'}`;
      }
      if (page.pageFull) head += ` (page cut at ${page.lines.length} lines to keep it short)`;
      return toolOutput({
        text: `${head}\n${page.lines.join('\n')}`,
        metadata: { total_lines: page.capped ? null : counted, offset, returned: page.lines.length, decompression_capped: page.capped },
      });
    },
  });

  const sandboxOf = (st: State) => st.sandbox;

  const submitTool = defineTool({
    name: 'submit_answer',
    description: 'Submit your final answer once: `response` is exactly one JSON object {"answer": {...}, "reasoning": "..."}. Ends the episode.',
    input: Type.Object({ response: Type.String({ description: 'the JSON object, as text' }) }),
    exclusive: true,
    async run(input, st: State) {
      if (st.submitted) throw new ToolError('an answer was already submitted for this task');
      // Claimed before any await: of concurrent submits only the first is graded.
      st.submitted = true;
      const cs = st.cs;
      const { parsed, grade } = gradeResponse(cs, st.instance.bounds, input.response, { reward, formatPenalty: opts.formatPenalty });
      const rubric = rubrics.get(cs.id)!;
      let reasoningScore: RubricScore = precheckRubric(rubric, parsed.reasoning ?? '');
      if (opts.judge && parsed.reasoning) {
        reasoningScore = await judgeRubric(rubric, { prompt: st.prompt, designNotes: cs.designNotes, reasoning: parsed.reasoning }, opts.judge);
      }
      const lines = [
        `Format: ${parsed.status}${parsed.formatErrors.length ? ` (${parsed.formatErrors.join('; ')})` : ''}`,
        ...grade.fields.map((f) => `${f.key}: ${f.outcome === 'pass' ? 'correct' : f.outcome === 'abstained' ? `missing (${f.detail})` : 'outside the accepted range'}`),
        ...grade.consistency.map((c) => `consistency ${c.id}: ${c.ok ? 'ok' : 'failed'}`),
        `Case ${grade.pass ? 'passed' : 'not passed'}; reward ${round(grade.reward)}.`,
        `Reasoning (${reasoningScore.method}): ${reasoningScore.status === 'scored' ? round(reasoningScore.score!) : `unscored — ${reasoningScore.error}`}`,
      ];
      const metadata: JsonObject = {
        case: cs.id,
        seed: st.instance.seed,
        pass: grade.pass,
        reward_rule: reward,
        format: parsed.status,
        format_errors: parsed.formatErrors,
        fields: grade.fields.map((f) => ({ key: f.key, outcome: f.outcome })),
        consistency: grade.consistency.map((c) => ({ id: c.id, ok: c.ok })),
        answered: grade.answered,
        reasoning_score: reasoningScore.score,
        reasoning_status: reasoningScore.status,
        reasoning_method: reasoningScore.method,
        red_flags: reasoningScore.redFlags,
      };
      return toolOutput({ text: lines.join('\n'), metadata, reward: grade.reward, finished: true });
    },
  });

  return defineEnvironment<State>({
    name: 'case-studies',
    description: 'Simulated genomics case studies (GeneBench-Pro kind): analyse staged data files in a sandbox and return one strict JSON answer graded against calibrated tolerances.',
    splits: [
      { name: 'train', type: 'train' },
      { name: 'test', type: 'test' },
    ],
    maxListedTasks: 1000,
    tasks: {
      count: (split) => perCase[splitOf(split)] * cases.length,
      get: (split, i) => specAt(split, i),
      range: (split, a, b) => Array.from({ length: b - a }, (_, k) => specAt(split, a + k)),
    },
    tools: [listFilesTool, readFileTool, defineRunTool('run_python', { sandboxOf }), defineRunTool('run_bash', { sandboxOf }), submitTool],
    dispose: () => (own ? cache.close() : undefined),
    checkTask: (task) => void resolveTask(task, cases),
    async open(ctx) {
      const { cs, seed } = resolveTask(ctx.task, cases);
      const instance = await cache.get(cs, seed);
      const sandbox = await openSandbox({ mode: opts.sandbox, files: instance.files, limits: opts.limits, parent: opts.workspaceParent });
      const listed = await listWorkspace(sandbox.workspace).catch(async (err) => {
        await sandbox.cleanup();
        throw err;
      });
      const listing = [...listed.files.map((f) => `- ${f.path} (${f.bytes} bytes)`), ...listingNotes(listed)].join('\n');
      const prompt = `${cs.prompt(instance)}\n\nWorkspace files:\n${listing}\n\n${answerContract(cs)}`;
      const state: State = { cs, instance, sandbox, prompt, submitted: false };
      return {
        state,
        prompt: () => [{ type: 'text', text: prompt, detail: null }],
        close: () => sandbox.cleanup(),
      };
    },
  });
}

/** Validates a client-supplied task spec (it may have been edited) and finds its case. */
export function resolveTask(task: JsonObject, cases: readonly CaseStudy[]): { cs: CaseStudy; seed: number; split: CaseSplit } {
  const id = task.case;
  const seed = task.seed;
  const split = task.split;
  if (typeof id !== 'string') throw new InvalidTaskError('task spec needs a string "case"');
  const cs = cases.find((c) => c.id === id);
  if (!cs) throw new InvalidTaskError(`unknown case ${JSON.stringify(id.slice(0, 100))} (known: ${cases.map((c) => c.id).join(', ')})`);
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) throw new InvalidTaskError('task spec needs a non-negative integer "seed"');
  if (typeof split !== 'string' || !isCaseSplit(split)) throw new InvalidTaskError('task spec needs split "train" or "test"');
  if (splitOfSeed(seed) !== split) throw new InvalidTaskError(`seed ${seed} does not belong to split ${split}`);
  return { cs, seed, split };
}

/** What a listing left out, in words for the agent. */
function listingNotes(l: WorkspaceListing): string[] {
  const notes: string[] = [];
  if (l.truncated) notes.push(`[listing truncated: list_files stops after ${LIST_MAX_ENTRIES} directory entries or ${LIST_MAX_PATH_CHARS / 1024} KiB of names; use run_bash (e.g. find) for the rest]`);
  if (l.skippedDeep) notes.push(`[${l.skippedDeep} directories deeper than ${LIST_MAX_DEPTH} levels not listed]`);
  if (l.links.length) notes.push(`[${l.links.length} symbolic link(s) not followed: ${l.links.slice(0, 5).join(', ')}${l.links.length > 5 ? ', …' : ''}]`);
  return notes;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
