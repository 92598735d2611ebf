// The `genome-qa` ORS environment: generated questions over an assembly, three tools
// (web_search, fetch_url, submit_answer; run_python when enabled) and an offline UCSC/NCBI
// mirror behind them.
// Task specs carry no answer; `open` regenerates the task from (split, index) on the server.

import { Type } from '@sinclair/typebox';
import type { AssemblyApi } from '../../genome/types.js';
import { defineEnvironment, defineTool, InvalidTaskError, ToolError, UnknownSplitError, type Environment, type TaskSource } from '../../ors/environment.js';
import { textBlock, toolOutput, type JsonObject, type Secrets } from '../../ors/types.js';
import { gradeWithFallback, judgeEndpointFrom, judgeForSession, type JudgeEndpoint } from '../../grading/judge.js';
import type { GradeResult } from '../../grading/match.js';
import { Mirror, MIRRORED_SUMMARY } from '../../mirror/index.js';
import { BlockedAddressError, liveFetch, SearchedPages, tavilySearch, type LiveFetchOptions, type Resolver } from '../../mirror/live.js';
import { type Limits, openSandbox, type Sandbox, type SandboxMode } from '../../sandbox/index.js';
import { defineRunTool } from '../../sandbox/run-tool.js';
import { withOptionalTables } from './context.js';
import { TaskGenerator, TRAIN_PER_DOMAIN } from './generator.js';
import { taskSpec, type DomainName, type GeneratedTask } from './types.js';

export const PAGE_CHARS = 32_000;

export interface GenomeQaOptions {
  assembly: AssemblyApi;
  seed?: number;
  /** tasks in `train` (default 100 per supported domain) */
  trainSize?: number;
  /** tasks in `test` (default: same as train) */
  testSize?: number;
  domains?: DomainName[];
  /** allow fetch_url to reach the internet for non-mirrored hosts (never private addresses) */
  liveFetch?: boolean;
  /** DNS resolver for live fetches (tests inject a stub) */
  resolver?: Resolver;
  /** the HTTP client Tavily searches use (tests inject a stub; default global fetch) */
  tavilyFetch?: typeof fetch;
  /** limits of live fetches (total deadline, idle timeout, size); tests also pass an address policy */
  live?: Pick<LiveFetchOptions, 'deadlineMs' | 'timeoutMs' | 'maxBytes' | 'isBlocked'>;
  /**
   * The judge for answers the grader cannot read: model, endpoint and optionally the server's
   * key. Default: the server's environment (judgeEndpointFrom(process.env)); null: no judge.
   * A session may lend only a key (secret `openai_api_key` or `OPENAI_API_KEY`), used when the
   * server has none; it never chooses the model or the endpoint.
   */
  judge?: JudgeEndpoint | null;
  now?: () => Date;
  pageChars?: number;
  /** offer run_python in a sandbox (--env-opt tools=+python); default none, as in the seed's contract */
  python?: PythonToolOptions | null;
}

export interface PythonToolOptions {
  sandbox: SandboxMode;
  limits?: Partial<Limits>;
  /** where workspaces are created (default os.tmpdir()) */
  workspaceParent?: string;
}

export interface GenomeQaState {
  task: GeneratedTask;
  secrets: Secrets;
  finished: boolean;
  /** the grade of the submitted answer (server side: it holds the expected values) */
  grade: GradeResult | null;
  calls: number;
  /** the session's run_python sandbox, opened on the first call (an empty workspace) */
  sandbox?: Promise<Sandbox> | null;
  /** set at session close: no sandbox opens after it */
  closed?: boolean;
  /** pages this session's Tavily searches returned (fetch_url serves them offline) */
  searched?: SearchedPages;
}

export interface GenomeQaEnvironment extends Environment<GenomeQaState> {
  generator: TaskGenerator;
  mirror: Mirror;
  /** the full task with its answer key (server side only: export, oracle agent, tests) */
  answerKey(split: string, index: number): Promise<GeneratedTask>;
}

export function createGenomeQaEnvironment(opts: GenomeQaOptions): GenomeQaEnvironment {
  // an assembly without a cytoBand (or gene) table still serves every other domain
  const asm = withOptionalTables(opts.assembly);
  const generator = new TaskGenerator(asm, { seed: opts.seed, domains: opts.domains, splitSize: (split) => sizeOf(split) });
  const mirror = new Mirror(asm, { now: opts.now });
  const pageChars = opts.pageChars ?? PAGE_CHARS;
  const judgeEndpoint = opts.judge === undefined ? judgeEndpointFrom(process.env) : opts.judge;
  // default sizes: 100 per domain the split can draw from (all 10 on a full assembly)
  const sizes = new Map<string, number>();
  const sizeOf = async (split: string): Promise<number> => {
    if (split !== 'train' && split !== 'test') throw new UnknownSplitError(split);
    if (!sizes.has(split)) {
      const explicit = split === 'train' ? opts.trainSize : (opts.testSize ?? opts.trainSize);
      sizes.set(split, explicit ?? TRAIN_PER_DOMAIN * (await generator.domainsFor(split)).length);
    }
    return sizes.get(split)!;
  };
  const tasks: TaskSource = {
    count: sizeOf,
    get: async (split, index) => taskSpec(await generator.task(split, index)),
    range: async (split, start, stop) => {
      await sizeOf(split);
      const out: JsonObject[] = [];
      for (let i = start; i < stop; i++) out.push(taskSpec(await generator.task(split, i)));
      return out;
    },
  };

  const webSearch = defineTool({
    name: 'web_search',
    description: 'Search the web. Returns up to 5 results (title, url, snippet). Offline, it searches the mirrored UCSC Genome Browser and NCBI pages for this assembly.',
    input: Type.Object({ query: Type.String({ minLength: 1, maxLength: 400, description: 'search terms' }) }, { additionalProperties: false }),
    async run({ query }, state: GenomeQaState) {
      state.calls++;
      const key = state.secrets.TAVILY_API_KEY;
      let results;
      if (key) {
        results = await tavilySearch(query, key, { fetchImpl: opts.tavilyFetch });
        (state.searched ??= new SearchedPages()).remember(results);
      } else results = mirror.search(query, 5);
      const text = results.length
        ? results.map((r, i) => `${i + 1}. ${r.title}\n   ${r.url}\n   ${r.snippet}`).join('\n')
        : 'No results.';
      return toolOutput({ text, metadata: { results: results.map((r) => ({ title: r.title, url: r.url, snippet: r.snippet })), source: key ? 'tavily' : 'offline-index' }, reward: 0 });
    },
  });

  const fetchUrl = defineTool({
    name: 'fetch_url',
    description:
      `Fetch a URL and return its text, ${pageChars} characters per page. If the text continues, the reply ends with next_offset: call again with that offset. ` +
      `Offline, a local mirror of this assembly answers ${MIRRORED_SUMMARY}. When web_search runs on a search provider, the pages it returned are served too; other pages are not available.`,
    input: Type.Object(
      {
        url: Type.String({ minLength: 1, maxLength: 4000 }),
        offset: Type.Optional(Type.Integer({ minimum: 0, description: 'character offset of the page to return (default 0)' })),
      },
      { additionalProperties: false },
    ),
    async run({ url, offset }, state: GenomeQaState) {
      state.calls++;
      let status: number;
      let contentType: string;
      let body: string;
      const searched = !Mirror.handles(url) && !opts.liveFetch ? state.searched?.get(url) : undefined;
      if (searched) {
        // a page a Tavily search returned: served from the text Tavily extracted, no network
        ({ status, contentType, body } = { status: 200, contentType: 'text/plain; charset=utf-8', body: searched.text });
      } else if (Mirror.handles(url) || !opts.liveFetch) {
        ({ status, contentType, body } = await mirror.fetch(url));
      } else {
        try {
          ({ status, contentType, body } = await liveFetch(url, { ...opts.live, resolve: opts.resolver }));
        } catch (err) {
          if (err instanceof BlockedAddressError) throw new ToolError(err.message);
          throw new ToolError(`fetch failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      const from = offset ?? 0;
      if (from > body.length) throw new ToolError(`offset ${from} is past the end of the page (${body.length} characters)`);
      const to = Math.min(body.length, from + pageChars);
      const next = to < body.length ? to : null;
      const footer = `[HTTP ${status} ${contentType}; characters ${from}-${to} of ${body.length}${next === null ? '; end of page' : `; next_offset=${next}`}]`;
      return toolOutput({
        blocks: [textBlock(body.slice(from, to)), textBlock(footer)],
        metadata: { url, status, content_type: contentType, offset: from, next_offset: next, total_chars: body.length },
        reward: 0,
      });
    },
  });

  const submitAnswer = defineTool({
    name: 'submit_answer',
    description: 'Submit the final answer (a JSON object keyed as the question asks, or a bare value) with a short explanation. Ends the episode; reward 1 if correct, else 0.',
    input: Type.Object(
      {
        answer: Type.Union([Type.String(), Type.Number(), Type.Record(Type.String(), Type.Unknown())], { description: 'e.g. {"gc_content": "0.44"}' }),
        explanation: Type.String({ description: 'how the answer was obtained' }),
      },
      { additionalProperties: false },
    ),
    exclusive: true,
    async run({ answer }, state: GenomeQaState) {
      if (state.finished) throw new ToolError('an answer was already submitted; the episode is over');
      // Claimed before the first await: of concurrent submits, only the first is graded.
      state.finished = true;
      const judge = judgeForSession(judgeEndpoint, state.secrets);
      const grade = await gradeWithFallback({ question: state.task.question, key: { answer: state.task.answer, fields: state.task.fields }, submitted: answer }, judge);
      const { judgeUsage, ...result } = grade;
      state.grade = result;
      const metadata: JsonObject = { verdict: grade.verdict, reason: publicReason(grade) };
      if (judgeUsage) metadata.judge_usage = { ...judgeUsage };
      return toolOutput({
        text: `${grade.reward === 1 ? 'Correct' : 'Not correct'} (${grade.verdict}). ${publicReason(grade)}`,
        metadata,
        reward: grade.reward,
        finished: true,
      });
    },
  });

  // One sandbox per session, opened lazily with nothing in it: the agent's code sees only what
  // the agent writes into it (fetched text included), never the answer key or the assembly.
  const python = opts.python ?? null;
  const sandboxOf = (state: GenomeQaState): Promise<Sandbox> => {
    if (!python) throw new Error('run_python is not enabled');
    if (state.closed) throw new ToolError('the session is closed');
    state.calls++;
    if (!state.sandbox) {
      const opening = openSandbox({ mode: python.sandbox, files: [], limits: python.limits, parent: python.workspaceParent });
      state.sandbox = opening;
      // a failed open is retried by the next call (it stays an environment error for this one)
      opening.catch(() => {
        if (state.sandbox === opening) state.sandbox = null;
      });
    }
    return state.sandbox;
  };
  const runPython = defineRunTool<GenomeQaState>('run_python', {
    sandboxOf,
    description:
      'Run a Python 3 program (numpy, scipy, pandas, statsmodels available) in an offline sandbox whose working directory /workspace starts empty. ' +
      'It cannot reach the network: put the text you fetched into your code. Returns stdout, stderr and the exit code; state does not persist between calls, files in /workspace do.',
  });

  const env = defineEnvironment<GenomeQaState>({
    name: 'genome-qa',
    description: `Genome QA over ${opts.assembly.name}: ${generator.domains.length} domains of generated questions answered with web_search and fetch_url (offline UCSC/NCBI mirror)${python ? ', with run_python for computation in a sandbox' : ''}.`,
    splits: [
      { name: 'train', type: 'train' },
      { name: 'test', type: 'test' },
    ],
    tasks,
    tools: python ? [webSearch, fetchUrl, runPython, submitAnswer] : [webSearch, fetchUrl, submitAnswer],
    maxListedTasks: 10_000,
    async checkTask(spec) {
      await resolveTask(spec, generator, sizeOf);
    },
    async open(ctx) {
      const task = await resolveTask(ctx.task, generator, sizeOf);
      const state: GenomeQaState = { task, secrets: ctx.secrets, finished: false, grade: null, calls: 0 };
      return {
        state,
        prompt: () => [textBlock(promptText(task, opts.assembly, { python: python !== null }))],
        close: async () => {
          state.closed = true;
          const opening = state.sandbox;
          state.sandbox = null;
          if (opening) await opening.then((sb) => sb.cleanup(), () => {});
        },
      };
    },
    dispose: async () => {},
  });
  return Object.assign(env, { generator, mirror, answerKey: (split: string, index: number) => generator.task(split, index) });
}

/** The grade reason an agent may see: which fields failed, never the expected values. */
function publicReason(g: GradeResult): string {
  if (g.verdict === 'correct') return 'All fields match.';
  if (g.verdict === 'incorrect') return `Wrong field(s): ${g.fields.filter((f) => !f.ok).map((f) => f.key).join(', ')}.`;
  if (g.verdict === 'malformed') return g.reason;
  if (g.verdict === 'judged') return 'Graded by the LLM judge.';
  return 'The answer could not be graded (judge unavailable); reward 0.';
}

async function resolveTask(spec: JsonObject, generator: TaskGenerator, sizeOf: (s: string) => Promise<number>): Promise<GeneratedTask> {
  let split = typeof spec.split === 'string' ? spec.split : undefined;
  let index = typeof spec.index === 'number' ? spec.index : undefined;
  if ((split === undefined || index === undefined) && typeof spec.id === 'string') {
    const m = spec.id.match(/\/([^/]+)\/(\d+)$/);
    if (m) [split, index] = [m[1], Number(m[2])];
  }
  if (split === undefined || index === undefined || !Number.isInteger(index) || index < 0) {
    throw new InvalidTaskError('genome-qa task spec needs split and index (or an id from /tasks)');
  }
  let n: number;
  try {
    n = await sizeOf(split);
  } catch (err) {
    if (err instanceof UnknownSplitError) throw new InvalidTaskError(`unknown split ${JSON.stringify(split.slice(0, 40))} (splits: train, test)`);
    throw err;
  }
  if (index >= n) throw new InvalidTaskError(`Invalid index: ${split} has ${n} tasks`);
  const task = await generator.task(split, index);
  if (typeof spec.id === 'string' && spec.id !== task.id) throw new InvalidTaskError(`task id ${JSON.stringify(spec.id.slice(0, 100))} does not belong to this server (expected ${task.id})`);
  if (typeof spec.question === 'string' && spec.question !== task.question) throw new InvalidTaskError('task question does not match the generated task');
  return task;
}

export function promptText(task: GeneratedTask, asm: AssemblyApi, tools: { python?: boolean } = {}): string {
  const python = tools.python
    ? ' run_python (run Python 3 with numpy, scipy, pandas and statsmodels in an offline sandbox; it cannot fetch, so put the text you fetched into your code),'
    : '';
  return [
    `You are answering a genomics question about ${asm.manifest.synthetic ? `the synthetic assembly "${asm.name}"` : `the ${asm.name} assembly`} (UCSC genome name: ${asm.name}).`,
    `Tools: web_search (find pages), fetch_url (read a URL; long pages come in parts, continue with next_offset),${python} and submit_answer (final answer; ends the episode).`,
    `This environment is offline: fetch_url serves ${MIRRORED_SUMMARY} from a local mirror of genome=${asm.name}, with the real services' formats and coordinate conventions.`,
    'Compute what the question asks from the data you fetch, then call submit_answer with a JSON object in exactly the format the question gives.',
    '',
    `Question (${task.domain}): ${task.question}`,
  ].join('\n');
}
