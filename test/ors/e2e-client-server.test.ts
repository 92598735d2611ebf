// Our ORS client against our ORS server on loopback: a full episode, discovery, a large
// chunked result, resume after a dropped connection, keep-alive through a slow tool, the
// 429/5xx retry bound and no retry on other 4xx.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Type } from '@sinclair/typebox';
import {
  OrsClient,
  OrsHttpError,
  OrsToolFault,
  dropStrictNulls,
  toAnthropicTool,
  toOpenAIChatTool,
  type OrsClientOptions,
} from '../../src/ors/client/index.js';
import { arrayTasks, defineEnvironment, defineTool, ToolError, type Environment } from '../../src/ors/environment.js';
import { buildServer } from '../../src/ors/server/index.js';
import { textBlock, toolOutput, type JsonObject } from '../../src/ors/types.js';

const BIG = (' \t\n'.repeat(20_000) + '\u{1F9EC}é𝔸 '.repeat(10_000)).slice(0, 130_000);
let slowRuns = 0;

interface State {
  answer: string;
  hasToken: boolean;
}

// Answers live here, server-side; task specs carry only ids.
const ANSWERS: Record<string, string> = { q1: '72', q2: 'BRCA1', q3: 'TP53' };

const answer = defineTool<ReturnType<typeof answerSchema>, State>({
  name: 'answer',
  description: 'Submit the final answer.',
  input: answerSchema(),
  run: (input, state) => {
    const right = input.answer.trim() === state.answer;
    return toolOutput({ text: right ? 'correct' : 'wrong', reward: right ? 1 : 0, finished: true });
  },
});
function answerSchema() {
  return Type.Object({ answer: Type.String(), title: Type.Optional(Type.String({ title: 'Title', description: 'a property called title' })) });
}

const big = defineTool<null, State>({ name: 'big', description: 'A large result.', input: null, run: () => toolOutput({ text: BIG }) });
const slow = defineTool({
  name: 'slow',
  description: 'Takes a while.',
  input: Type.Object({ ms: Type.Integer() }),
  run: async (input) => {
    slowRuns++;
    await new Promise((r) => setTimeout(r, input.ms));
    return toolOutput({ text: `slept ${input.ms}` });
  },
});
const fault = defineTool({
  name: 'fault',
  description: 'Raises inside the environment.',
  input: null,
  run: () => {
    throw new Error('environment fault');
  },
});
const reject = defineTool({
  name: 'reject',
  description: 'Rejects its input as the agent’s mistake.',
  input: null,
  run: () => {
    throw new ToolError('that is not allowed');
  },
});
const secretCheck = defineTool<null, State>({
  name: 'has_token',
  description: 'Whether the TOKEN secret arrived (never echoes it).',
  input: null,
  run: (_i, state) => toolOutput({ text: String(state.hasToken) }),
});
const hint = defineTool<null, State>({ name: 'hint', description: 'Task-specific hint.', input: null, run: () => toolOutput({ text: 'think' }) });

const quiz: Environment<State> = defineEnvironment<State>({
  name: 'quiz',
  splits: [
    { name: 'train', type: 'train' },
    { name: 'test', type: 'test' },
  ],
  tasks: arrayTasks({ train: [{ id: 'q1' }, { id: 'q2' }, { id: 'q3' }], test: [{ id: 'q3' }] }),
  tools: [answer, big, slow, fault, reject, secretCheck] as never,
  open: ({ task, secrets }) => {
    const id = task.id as string;
    if (!(id in ANSWERS)) throw new Error(`unknown task ${id}`);
    return {
      state: { answer: ANSWERS[id], hasToken: secrets.TOKEN === 's3cret' },
      prompt: () => [textBlock(`Answer question ${id}.`)],
      tools: id === 'q2' ? [hint] : [],
    };
  },
});

let server: Awaited<ReturnType<typeof buildServer>>;
let baseUrl: string;
before(async () => {
  server = await buildServer({ environments: [quiz], maxSessions: 3, keepAliveMs: 50, logger: false });
  baseUrl = await server.listen({ port: 0, host: '127.0.0.1' });
});
after(() => server.close());

/** A fetch that records every request path and can tamper with responses. */
function recordingFetch(tamper?: (url: string, n: number, res: Response) => Response) {
  const paths: string[] = [];
  const bodies: string[] = [];
  const f: typeof fetch = async (input, init) => {
    const url = String(input);
    paths.push(new URL(url).pathname);
    bodies.push(typeof init?.body === 'string' ? init.body : '');
    const res = await fetch(input, init);
    return tamper ? tamper(url, paths.length, res) : res;
  };
  return { f, paths, bodies };
}

const client = (extra: Partial<OrsClientOptions> = {}) =>
  new OrsClient({ baseUrl, pingIntervalMs: 0, backoff: { baseMs: 5, maxMs: 40 }, ...extra });

test('a full episode: prompt, task tools, a wrong then a right answer, close', async () => {
  const env = client().environment('QUIZ');
  const session = await env.session({ split: 'train', index: 1 });
  try {
    assert.deepEqual(await session.prompt(), [{ type: 'text', text: 'Answer question q2.', detail: null }]);
    const names = (await session.tools()).map((t) => t.name).sort();
    assert.ok(names.includes('hint') && names.includes('answer'), names.join(','));
    // As an OpenAI strict-mode model would answer: the optional `title` sent as null.
    const answerSpec = (await session.tools()).find((t) => t.name === 'answer')!;
    const strictParams = toOpenAIChatTool(answerSpec, { strict: true }).function.parameters;
    assert.deepEqual(strictParams.required, ['answer', 'title']);
    const strictArgs = dropStrictNulls(answerSpec.input_schema, { answer: 'BRCA1', title: null });
    const viaStrict = await session.call('answer', strictArgs);
    assert.equal(viaStrict.ok && viaStrict.output.reward, 1);
    const wrong = await session.call('answer', { answer: '72' });
    assert.ok(wrong.ok);
    assert.equal(wrong.output.reward, 0);
    const right = await session.call('answer', { answer: 'BRCA1' });
    assert.deepEqual(right, { ok: true, output: { blocks: [{ type: 'text', text: 'correct', detail: null }], metadata: null, reward: 1, finished: true } });
    const unknown = await session.call('nope', {});
    assert.equal(unknown.ok, false);
    const badInput = await session.call('answer', { answer: 5 });
    assert.equal(badInput.ok, false);
    const refused = await session.call('reject', {});
    assert.deepEqual(refused, { ok: false, error: 'that is not allowed' });
    await assert.rejects(session.call('fault', {}), (err: unknown) => err instanceof OrsToolFault && /environment fault/.test(err.message));
  } finally {
    await session.close();
  }
  await session.close(); // idempotent
  // A task whose setup fails: session requests answer 500 with the setup error.
  await assert.rejects(
    client().environment('quiz').session({ task: { id: 'nope' } }).then((s) => s.prompt().finally(() => s.close())),
    (err: unknown) => err instanceof OrsHttpError && err.status === 500,
  );
});

test('discovery: environments, splits, tools, tasks by index and range', async () => {
  const c = client();
  assert.equal(await c.health(), true);
  assert.deepEqual(await c.listEnvironments(), ['quiz']);
  const env = c.environment();
  assert.deepEqual(await env.splits(), [
    { name: 'train', type: 'train' },
    { name: 'test', type: 'test' },
  ]);
  assert.equal(env.name, 'quiz');
  assert.equal(await env.numTasks('train'), 3);
  assert.deepEqual(await env.task('train', -1), { id: 'q3' });
  assert.deepEqual(await env.taskRange('train', 1), [{ id: 'q2' }, { id: 'q3' }]);
  assert.deepEqual(await env.tasks('test'), [{ id: 'q3' }]);
  const tools = await env.tools();
  assert.ok(!tools.some((t) => t.name === 'hint'), 'task-specific tools are not shared');
  const spec = tools.find((t) => t.name === 'answer')!;
  const params = toOpenAIChatTool(spec).function.parameters;
  assert.ok((params.properties as JsonObject).title, 'a property named title survives conversion');
  assert.equal(((params.properties as Record<string, JsonObject>).title).title, undefined);
  assert.deepEqual(toAnthropicTool(tools.find((t) => t.name === 'big')!).input_schema, { type: 'object', properties: {} });
});

test('a >100 kB result of whitespace and astral characters round-trips exactly', async () => {
  const session = await client().environment('quiz').session({ task: { id: 'q1' } });
  try {
    const out = await session.call('big', {});
    assert.ok(out.ok);
    const text = (out.output.blocks[0] as { text: string }).text;
    assert.equal(text.length, BIG.length);
    assert.ok(text === BIG, 'text differs from what the tool returned');
  } finally {
    await session.close();
  }
});

test('a tool slower than the silence timeout completes on one connection thanks to keep-alive pings', async () => {
  const rec = recordingFetch();
  const session = await client({ fetch: rec.f, silenceTimeoutMs: 250 }).environment('quiz').session({ task: { id: 'q1' } });
  try {
    const out = await session.call('slow', { ms: 500 });
    assert.deepEqual(out.ok && out.output.blocks[0], { type: 'text', text: 'slept 500', detail: null });
    assert.equal(rec.paths.filter((p) => p.endsWith('/call')).length, 1);
  } finally {
    await session.close();
  }
});

test('a connection dropped mid-call is resumed by task_id; the tool runs once', async () => {
  // The first /call response is cut right after its first bytes (the task_id event).
  const rec = recordingFetch((url, n, res) => {
    if (!url.endsWith('/call') || n !== firstCall) return res;
    const reader = res.body!.getReader();
    const cut = new ReadableStream<Uint8Array>({
      async pull(ctrl) {
        const { value } = await reader.read();
        if (value) ctrl.enqueue(value);
        await reader.cancel();
        ctrl.error(new TypeError('terminated'));
      },
    });
    return new Response(cut, { status: res.status, headers: res.headers });
  });
  let firstCall = -1;
  const session = await client({ fetch: rec.f }).environment('quiz').session({ task: { id: 'q1' } });
  try {
    firstCall = rec.paths.length + 1;
    const runsBefore = slowRuns;
    const out = await session.call('slow', { ms: 300 });
    assert.deepEqual(out.ok && out.output.blocks[0], { type: 'text', text: 'slept 300', detail: null });
    const callBodies = rec.bodies.filter((_b, i) => rec.paths[i].endsWith('/call')).map((b) => JSON.parse(b) as JsonObject);
    assert.equal(callBodies.length, 2);
    assert.equal(callBodies[0].task_id, undefined);
    assert.match(String(callBodies[1].task_id), /^[0-9a-f]{32}$/);
    assert.equal(slowRuns - runsBefore, 1, 'the resumed call must not run the tool again');
  } finally {
    await session.close();
  }
});

test('429 at capacity is retried a bounded number of times; other 4xx are not retried', async () => {
  const rec = recordingFetch();
  const c = client({ fetch: rec.f, retries: 2 });
  const env = c.environment('quiz');
  const held = await Promise.all([env.session({ task: { id: 'q1' } }), env.session({ task: { id: 'q1' } }), env.session({ task: { id: 'q1' } })]);
  try {
    rec.paths.length = 0;
    await assert.rejects(env.session({ task: { id: 'q1' } }), (err: unknown) => err instanceof OrsHttpError && err.status === 429);
    assert.equal(rec.paths.filter((p) => p === '/create').length, 3, 'first attempt + 2 retries');
  } finally {
    await Promise.all(held.map((s) => s.close()));
  }
  rec.paths.length = 0;
  await assert.rejects(env.session({ split: 'train', index: 99 }), (err: unknown) => err instanceof OrsHttpError && err.status === 400);
  assert.equal(rec.paths.filter((p) => p === '/create').length, 1);
  rec.paths.length = 0;
  await assert.rejects(c.environment('nosuch').numTasks('train'), (err: unknown) => err instanceof OrsHttpError && err.status === 404);
  assert.equal(rec.paths.length, 1);
});

test('a 5xx from a failed setup is retried up to the bound, then reported with the server detail', async () => {
  const rec = recordingFetch();
  const session = await client({ fetch: rec.f, retries: 1 }).environment('quiz').session({ task: { id: 'missing' } });
  try {
    await assert.rejects(session.prompt(), (err: unknown) => err instanceof OrsHttpError && err.status === 500 && /unknown task missing/.test(String(err.detail)));
    assert.equal(rec.paths.filter((p) => p.endsWith('/prompt')).length, 2);
  } finally {
    await session.close();
  }
});

test('secrets sent in the body reach the environment', async () => {
  const session = await client().environment('quiz').session({ task: { id: 'q1' }, secrets: { TOKEN: 's3cret' } });
  try {
    const out = await session.call('has_token', {});
    assert.equal(out.ok && (out.output.blocks[0] as { text: string }).text, 'true');
  } finally {
    await session.close();
  }
});

test('the ping loop keeps a session alive past the idle timeout; without it the server reaps it', async () => {
  const short = await buildServer({ environments: [quiz], idleTimeoutMs: 200, reapIntervalMs: 20, logger: false });
  const url = await short.listen({ port: 0, host: '127.0.0.1' });
  try {
    const env = (pingIntervalMs: number) => new OrsClient({ baseUrl: url, pingIntervalMs, backoff: { baseMs: 5, maxMs: 40 } }).environment('quiz');
    const pinged = await env(40).session({ task: { id: 'q1' } });
    const silent = await env(0).session({ task: { id: 'q1' } });
    await new Promise((r) => setTimeout(r, 600));
    const out = await pinged.call('answer', { answer: '72' });
    assert.equal(out.ok && out.output.reward, 1);
    await assert.rejects(silent.prompt(), (err: unknown) => err instanceof OrsHttpError && err.status === 404);
    assert.ok(silent.isDead, 'a 404 for the session marks it dead');
    await Promise.all([pinged.close(), silent.close()]);
  } finally {
    await short.close();
  }
});

test('32 concurrent sessions, each calling several times, all get their own results', async () => {
  const wide = await buildServer({ environments: [quiz], logger: false });
  const url = await wide.listen({ port: 0, host: '127.0.0.1' });
  try {
    const env = new OrsClient({ baseUrl: url, pingIntervalMs: 0 }).environment('quiz');
    const ids = ['q1', 'q2', 'q3'];
    const outcomes = await Promise.all(
      Array.from({ length: 32 }, async (_, i) => {
        const id = ids[i % 3];
        const session = await env.session({ task: { id } });
        try {
          const [wrong, slept] = await Promise.all([session.call('answer', { answer: 'nonsense' }), session.call('slow', { ms: i % 7 })]);
          const right = await session.call('answer', { answer: ANSWERS[id] });
          return [wrong.ok && wrong.output.reward, right.ok && right.output.reward, slept.ok && (slept.output.blocks[0] as { text: string }).text];
        } finally {
          await session.close();
        }
      }),
    );
    outcomes.forEach((o, i) => assert.deepEqual(o, [0, 1, `slept ${i % 7}`], `session ${i}`));
  } finally {
    await wide.close();
  }
});
