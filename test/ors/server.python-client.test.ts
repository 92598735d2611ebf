// What the reference Python client (ors-sdk 0.1.0) sends, replayed over HTTP against a server
// hosting two environments. Its session(split=, index=) posts /create WITHOUT env_name and then
// addresses the environment only in the path (/{env}/prompt, /{env}/call). The reference server
// would open the default environment and ignore the path; we bind the session to the
// environment the first env-scoped request names. (Checked by hand with the real client; see
// docs/ors-python-client-check.md.)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { arrayTasks, defineEnvironment, defineTool } from '../../src/ors/environment.js';
import { buildServer, type OrsServer } from '../../src/ors/server/index.js';
import { textBlock, toolOutput, type JsonObject } from '../../src/ors/types.js';
import { get, parseSse, post, resultOf, teardowns, testEnvironment } from './server-fixture.js';

/** A second environment that says who it is; its `test` split is longer than the default's and it alone has `holdout`. */
function regionsEnvironment() {
  const opened = { count: 0, closed: 0 };
  const tasks: Record<string, JsonObject[]> = {
    test: [0, 1, 2].map((i) => ({ id: `regions-test-${i}`, question: `Length of region ${i}?` })),
    holdout: [{ id: 'regions-holdout-0', question: 'Length of the held-out region?' }],
  };
  const whoami = defineTool({
    name: 'whoami',
    description: 'Names the environment, the task and the secrets this episode received',
    input: Type.Object({ note: Type.Optional(Type.String()) }),
    run: (_input, state: { task: JsonObject; secrets: Record<string, string> }) =>
      toolOutput({ text: `regions ${String(state.task.id)} secrets=${Object.keys(state.secrets).sort().join(',')}`, reward: 0.5, finished: true }),
  });
  const env = defineEnvironment({
    name: 'regions',
    splits: [
      { name: 'test', type: 'test' },
      { name: 'holdout', type: 'validation' },
    ],
    tasks: arrayTasks(tasks),
    tools: [whoami],
    async open({ task, secrets }) {
      opened.count++;
      return { state: { task, secrets }, prompt: () => [textBlock(`regions: ${String(task.question)}`)], close: () => void opened.closed++ };
    },
  });
  return { env, opened };
}

/** The reference client's /create_session: SSE with `task_id` (the sid) and an empty `end`. */
async function createSessionLikePython(url: string): Promise<string> {
  const res = await post(url, '/create_session', {}, { accept: 'text/event-stream', 'user-agent': 'ors-sdk/0.1.0' });
  assert.equal(res.status, 200);
  const { events } = parseSse(await res.text(), true);
  assert.deepEqual(events.map((e) => e.event), ['task_id', 'end']);
  assert.equal(events[1].data, '');
  return events[0].data.trim();
}

/** The reference client's /{env}/call, parsed its way (all leading whitespace of `data:` stripped). */
async function callLikePython(url: string, env: string, sid: string, body: JsonObject) {
  const res = await post(url, `/${env}/call`, body, { 'x-session-id': sid, accept: 'text/event-stream' });
  assert.equal(res.status, 200, `call answered ${res.status}`);
  return resultOf(parseSse(await res.text(), true).events);
}

const secretsHeader = (secrets: Record<string, string>) =>
  Buffer.from(JSON.stringify(Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, { value: v }])))).toString('base64');

describe('reference Python client against a two-environment server', () => {
  let server: OrsServer;
  let url: string;
  let regions: ReturnType<typeof regionsEnvironment>;
  before(async () => {
    regions = regionsEnvironment();
    server = await buildServer({ environments: [testEnvironment('gsm8kenv'), regions.env] });
    url = await server.listen({ port: 0 });
  });
  after(() => server.close());

  test('session(split, index) on the second environment gets that environment, not the default', async () => {
    const sid = await createSessionLikePython(url);
    const h = { 'x-session-id': sid };
    // Index 0 of `test` exists in both environments: the reference would have served gsm8kenv's "What is 1+2?".
    const created = await post(url, '/create', { split: 'test', index: 0 }, { ...h, 'x-secrets': secretsHeader({ REGIONS_TOKEN: 't' }) });
    assert.equal(created.status, 200);
    assert.deepEqual(await created.json(), { sid });
    assert.equal((await post(url, '/ping', undefined, h)).status, 200, 'the ping loop starts before any env-scoped request');

    const prompt = await get(url, '/regions/prompt', h);
    assert.equal(prompt.status, 200);
    assert.deepEqual(await prompt.json(), [{ text: 'regions: Length of region 0?', detail: null, type: 'text' }]);
    const tools = (await (await get(url, '/regions/task_tools', h)).json()) as { tools: { name: string }[] };
    assert.deepEqual(tools.tools.map((t) => t.name), ['whoami']);
    assert.deepEqual(await callLikePython(url, 'regions', sid, { name: 'whoami', input: {} }), {
      ok: true,
      output: { blocks: [{ text: 'regions regions-test-0 secrets=REGIONS_TOKEN', detail: null, type: 'text' }], metadata: null, reward: 0.5, finished: true },
    });

    // Once bound, the path segment is ignored again, as in the reference.
    assert.equal(((await (await get(url, '/gsm8kenv/prompt', h)).json()) as any[])[0].text, 'regions: Length of region 0?');
    assert.equal((await post(url, '/delete', undefined, h)).status, 200);
    assert.equal((await post(url, '/delete_session', undefined, h)).status, 200);
    assert.equal((await get(url, '/regions/prompt', h)).status, 404);
  });

  test('on the default environment it behaves as the reference does', async () => {
    const sid = await createSessionLikePython(url);
    const h = { 'x-session-id': sid };
    assert.equal((await post(url, '/create', { split: 'test', index: -1 }, h)).status, 200);
    assert.equal(((await (await get(url, '/gsm8kenv/prompt', h)).json()) as any[])[0].text, 'What is 1+2?');
    const out = await callLikePython(url, 'gsm8kenv', sid, { name: 'answer', input: { answer: '3' } });
    assert.equal(out.output.reward, 1);
    await post(url, '/delete', undefined, h);
  });

  test('concurrent first requests share one binding and one setup', async () => {
    const sid = await createSessionLikePython(url);
    const h = { 'x-session-id': sid };
    const openedBefore = regions.opened.count;
    const closedBefore = regions.opened.closed;
    assert.equal((await post(url, '/create', { split: 'test', index: 2 }, h)).status, 200);
    const [prompt, tools] = await Promise.all([get(url, '/regions/prompt', h), get(url, '/regions/task_tools', h)]);
    assert.equal(prompt.status, 200);
    assert.equal(tools.status, 200);
    assert.equal(((await prompt.json()) as any[])[0].text, 'regions: Length of region 2?', 'index 2 exists only in regions');
    assert.equal(regions.opened.count, openedBefore + 1);
    await post(url, '/delete', undefined, h);
    assert.equal(regions.opened.closed, closedBefore + 1, 'the one episode is torn down');
  });

  test('a split/index no environment has is a 400 at /create; one only some have is a 400 on the others', async () => {
    const h = { 'x-session-id': crypto.randomUUID() };
    const none = await post(url, '/create', { split: 'nosuch', index: 0 }, h);
    assert.equal(none.status, 400);
    assert.deepEqual(await none.json(), { detail: 'Invalid split' });
    const tooFar = await post(url, '/create', { split: 'test', index: 3 }, h);
    assert.equal(tooFar.status, 400);
    assert.deepEqual(await tooFar.json(), { detail: 'Invalid index' });

    assert.equal((await post(url, '/create', { split: 'holdout', index: 0 }, h)).status, 200);
    const wrongEnv = await get(url, '/gsm8kenv/prompt', h);
    assert.equal(wrongEnv.status, 400);
    assert.deepEqual(await wrongEnv.json(), { detail: 'Invalid split' });
    // The failed binding left the session unbound, so the right environment still works.
    const right = await get(url, '/regions/prompt', h);
    assert.equal(right.status, 200);
    assert.equal(((await right.json()) as any[])[0].text, 'regions: Length of the held-out region?');
    await post(url, '/delete', undefined, h);
  });

  test('an unbound session answers /ping and /delete, and deleting it tears nothing down', async () => {
    const h = { 'x-session-id': crypto.randomUUID() };
    const before = { fixture: teardowns.count, regions: regions.opened.closed, opened: regions.opened.count };
    assert.equal((await post(url, '/create', { split: 'test', index: 0 }, h)).status, 200);
    assert.equal((await post(url, '/create', { split: 'test', index: 0 }, h)).status, 400, 'the sid is taken');
    assert.equal((await post(url, '/ping', undefined, h)).status, 200);
    assert.equal((await post(url, '/delete', undefined, h)).status, 200);
    assert.equal((await post(url, '/ping', undefined, h)).status, 404);
    assert.equal((await get(url, '/regions/prompt', h)).status, 404);
    assert.deepEqual({ fixture: teardowns.count, regions: regions.opened.closed, opened: regions.opened.count }, before);
  });
});

describe('reference Python client against a one-environment server', () => {
  let server: OrsServer;
  let url: string;
  before(async () => {
    server = await buildServer({ environments: [regionsEnvironment().env], maxSessions: 1 });
    url = await server.listen({ port: 0 });
  });
  after(() => server.close());

  test('split/index binds at /create as in the reference (capacity and bad index answered there)', async () => {
    const bad = await post(url, '/create', { split: 'test', index: 3 }, { 'x-session-id': crypto.randomUUID() });
    assert.equal(bad.status, 400);
    const h = { 'x-session-id': await createSessionLikePython(url) };
    assert.equal((await post(url, '/create', { split: 'test', index: 1 }, h)).status, 200);
    const full = await post(url, '/create', { split: 'test', index: 1 }, { 'x-session-id': crypto.randomUUID() });
    assert.equal(full.status, 429);
    assert.equal(((await (await get(url, '/regions/prompt', h)).json()) as any[])[0].text, 'regions: Length of region 1?');
    await post(url, '/delete', undefined, h);
  });
});

test('an unbound session holds a capacity slot', async () => {
  const server = await buildServer({ environments: [testEnvironment('gsm8kenv'), regionsEnvironment().env], maxSessions: 1 });
  try {
    const url = await server.listen({ port: 0 });
    assert.equal((await post(url, '/create', { split: 'test', index: 0 }, { 'x-session-id': 'a' })).status, 200);
    const full = await post(url, '/create', { split: 'test', index: 0 }, { 'x-session-id': 'b' });
    assert.equal(full.status, 429);
  } finally {
    await server.close();
  }
});
