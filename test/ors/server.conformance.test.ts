// The 17 cases of the reference SDK's tests/test_server.py, rewritten against our server
// (over real HTTP) with an equivalent fixed-task environment.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OrsServer } from '../../src/ors/server/index.js';
import { call, get, post, resultOf, startServer } from './server-fixture.js';

let server: OrsServer;
let url: string;
before(async () => ({ server, url } = await startServer()));
after(() => server.close());

const TRAIN0 = { id: 'train-0', question: 'How many clips?' };

describe('reference conformance: discovery', () => {
  test('health', async () => {
    const res = await get(url, '/health');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  test('list_environments', async () => {
    const res = await get(url, '/list_environments');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), ['gsm8kenv']);
  });

  test('tools', async () => {
    const res = await get(url, '/gsm8kenv/tools');
    assert.equal(res.status, 200);
    const { tools } = (await res.json()) as { tools: any[] };
    const answer = tools.find((t) => t.name === 'answer');
    assert.equal(answer.description, 'Submit your final answer to the math problem');
    assert.deepEqual(answer.input_schema.required, ['answer']);
    assert.equal(tools.find((t) => t.name === 'boom').input_schema, null, 'no-argument tools have a null schema');
    assert.deepEqual(tools.map((t) => t.name), [...tools.map((t) => t.name)].sort(), 'listed by name');
    assert.ok(!tools.some((t) => t.name === 'hint'), 'task-specific tools are not shared tools');
  });

  test('splits', async () => {
    const res = await get(url, '/gsm8kenv/splits');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), [
      { name: 'train', type: 'train' },
      { name: 'test', type: 'test' },
    ]);
  });

  test('tasks', async () => {
    const res = await post(url, '/gsm8kenv/tasks', { split: 'train' });
    assert.equal(res.status, 200);
    const body = (await res.json()) as any;
    assert.equal(body.tasks.length, 2);
    assert.equal(body.env_name, 'gsm8kenv');
    assert.ok(body.tasks.every((t: any) => !('answer' in t)), 'task specs carry no answers');
  });

  test('num_tasks', async () => {
    const res = await post(url, '/gsm8kenv/num_tasks', { split: 'train' });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { num_tasks: 2 });
  });

  test('task (and a negative index counts from the end)', async () => {
    const res = await post(url, '/gsm8kenv/task', { split: 'train', index: 0 });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as any).task.id, 'train-0');
    const last = await post(url, '/gsm8kenv/task', { split: 'train', index: -1 });
    assert.equal(((await last.json()) as any).task.id, 'train-1');
    const out = await post(url, '/gsm8kenv/task', { split: 'train', index: 2 });
    assert.equal(out.status, 400);
    assert.deepEqual(await out.json(), { detail: 'Invalid index' });
  });

  test('task_range (slice rules)', async () => {
    const res = await post(url, '/gsm8kenv/task_range', { split: 'train', start: 0, stop: 2 });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as any).tasks.length, 2);
    const tail = await post(url, '/gsm8kenv/task_range', { split: 'train', start: -1 });
    assert.deepEqual(((await tail.json()) as any).tasks.map((t: any) => t.id), ['train-1']);
    const empty = await post(url, '/gsm8kenv/task_range', { split: 'train', start: 5, stop: 1 });
    assert.deepEqual(await empty.json(), { tasks: [] });
  });

  test('invalid split → 400', async () => {
    for (const path of ['/gsm8kenv/tasks', '/gsm8kenv/num_tasks']) {
      const res = await post(url, path, { split: 'nonexistent' });
      assert.equal(res.status, 400);
      assert.deepEqual(await res.json(), { detail: 'Invalid split' });
    }
  });

  test('unknown environment → 308 to the default env, then 404', async () => {
    const res = await get(url, '/gsm8kenv_DOESNT_EXIST/tools?x=1');
    assert.equal(res.status, 308);
    assert.equal(res.headers.get('location'), '/gsm8kenv/gsm8kenv_DOESNT_EXIST/tools?x=1');
    const followed = await get(url, res.headers.get('location')!);
    assert.equal(followed.status, 404);
    assert.deepEqual(await followed.json(), { detail: 'Not Found' });
    // Env names ignore case; env-less paths redirect with the query kept.
    assert.equal((await get(url, '/GSM8KEnv/splits')).status, 200);
    const bare = await get(url, '/splits?a=b');
    assert.equal(bare.status, 308);
    assert.equal(bare.headers.get('location'), '/gsm8kenv/splits?a=b');
    // A client that follows the 308 re-sends the POST body to the default environment.
    const followedPost = await fetch(url + '/num_tasks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"split":"test"}' });
    assert.deepEqual(await followedPost.json(), { num_tasks: 1 });
    // Root paths are never redirected.
    assert.equal((await get(url, '/health/extra')).status, 404);
  });
});

describe('reference conformance: episodes', () => {
  test('full episode: create → prompt → task_tools → call → delete', async () => {
    const sid = crypto.randomUUID();
    const h = { 'x-session-id': sid };
    const created = await post(url, '/create', { env_name: 'gsm8kenv', task_spec: TRAIN0 }, h);
    assert.equal(created.status, 200);
    assert.deepEqual(await created.json(), { sid });

    const prompt = await get(url, '/gsm8kenv/prompt', h);
    assert.equal(prompt.status, 200);
    assert.deepEqual(await prompt.json(), [{ text: 'How many clips?', detail: null, type: 'text' }]);

    const tools = await get(url, '/gsm8kenv/task_tools', h);
    assert.equal(tools.status, 200);
    const names = ((await tools.json()) as any).tools.map((t: any) => t.name);
    assert.equal(names[0], 'answer');
    assert.equal(names.at(-1), 'hint', 'task-specific tools follow the shared ones');

    const r = await call(url, sid, { name: 'answer', input: { answer: '72' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.equal(r.events[0].event, 'task_id');
    assert.match(r.events[0].data, /^[0-9a-f]{32}$/);
    assert.deepEqual(resultOf(r.events), {
      ok: true,
      output: { blocks: [{ text: 'Correct!', detail: null, type: 'text' }], metadata: null, reward: 1, finished: true },
    });

    const deleted = await post(url, '/delete', undefined, h);
    assert.equal(deleted.status, 200);
    assert.deepEqual(await deleted.json(), { sid });
    assert.equal((await get(url, '/gsm8kenv/prompt', h)).status, 404);
  });

  test('wrong answer: reward 0, finished', async () => {
    const sid = crypto.randomUUID();
    await post(url, '/create', { env_name: 'gsm8kenv', task_spec: TRAIN0 }, { 'x-session-id': sid });
    const out = resultOf((await call(url, sid, { name: 'answer', input: { answer: '5' } })).events);
    assert.equal(out.ok, true);
    assert.equal(out.output.reward, 0);
    assert.equal(out.output.finished, true);
    await post(url, '/delete', undefined, { 'x-session-id': sid });
  });

  test('create by split and index (env_name optional)', async () => {
    const sid = crypto.randomUUID();
    const res = await post(url, '/create', { split: 'test', index: 0 }, { 'x-session-id': sid });
    assert.equal(res.status, 200);
    const prompt = (await (await get(url, '/gsm8kenv/prompt', { 'x-session-id': sid })).json()) as any[];
    assert.equal(prompt[0].text, 'What is 1+2?');
    assert.equal(resultOf((await call(url, sid, { name: 'answer', input: { answer: '3' } })).events).output.reward, 1);
    await post(url, '/delete', undefined, { 'x-session-id': sid });
  });

  test('ping', async () => {
    const sid = crypto.randomUUID();
    await post(url, '/create', { env_name: 'gsm8kenv', task_spec: TRAIN0 }, { 'x-session-id': sid });
    const res = await post(url, '/ping', undefined, { 'x-session-id': sid });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
    await post(url, '/delete', undefined, { 'x-session-id': sid });
    const gone = await post(url, '/ping', undefined, { 'x-session-id': sid });
    assert.equal(gone.status, 404);
    assert.deepEqual(await gone.json(), { detail: 'Active environment not found' });
  });

  test('missing X-Session-ID → 400', async () => {
    const res = await post(url, '/ping');
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { detail: 'X-Session-ID header is required' });
  });

  test('delete_session and delete are idempotent', async () => {
    const sid = crypto.randomUUID();
    for (const path of ['/delete_session', '/delete', '/delete', '/delete_session']) {
      const res = await post(url, path, undefined, { 'x-session-id': ` ${sid} ` });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { sid }, 'the id is trimmed');
    }
  });

  test('creating the same session twice → 400', async () => {
    const sid = crypto.randomUUID();
    const body = { env_name: 'gsm8kenv', task_spec: TRAIN0 };
    assert.equal((await post(url, '/create', body, { 'x-session-id': sid })).status, 200);
    const again = await post(url, '/create', body, { 'x-session-id': sid });
    assert.equal(again.status, 400);
    assert.deepEqual(await again.json(), { detail: 'Session already exists' });
    await post(url, '/delete', undefined, { 'x-session-id': sid });
    // A sid can be reused after /delete.
    assert.equal((await post(url, '/create', body, { 'x-session-id': sid })).status, 200);
    await post(url, '/delete', undefined, { 'x-session-id': sid });
  });
});
