// Session lifecycle and robustness: background setup, 410/500, idle expiry, capacity,
// concurrency, secrets, create_session, bad requests, auth and shutdown drain.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OrsServer } from '../../src/ors/server/index.js';
import { call, gates, get, openSession, parseSse, post, resultOf, startServer, teardowns } from './server-fixture.js';

const waitForGate = async (name: string) => {
  while (!gates.has(name)) await new Promise((r) => setTimeout(r, 5));
  return gates.get(name)!;
};

describe('lifecycle', () => {
  let server: OrsServer;
  let url: string;
  before(async () => ({ server, url } = await startServer({ bodyLimit: 64 * 1024 })));
  after(() => server.close());

  test('prompt waits for a slow setup', async () => {
    const sid = await openSession(url, { task_spec: { id: 'train-0', question: 'slow?', hold_setup: 'setup-1' } });
    const prompt = get(url, '/gsm8kenv/prompt', { 'x-session-id': sid });
    (await waitForGate('setup-1'))();
    const res = await prompt;
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as any[])[0].text, 'slow?');
  });

  test('an environment at capacity answers 503 with Retry-After, not a 500', async () => {
    const sid = await openSession(url, { task_spec: { id: 'train-0', busy_setup: true } });
    const res = await get(url, '/gsm8kenv/prompt', { 'x-session-id': sid });
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '5');
    assert.match(((await res.json()) as { detail: string }).detail, /^Environment busy: at capacity/);
  });

  test('deleted during setup → 410 for waiting requests, 404 afterwards', async () => {
    const before = teardowns.count;
    const sid = await openSession(url, { task_spec: { id: 'x', hold_setup: 'setup-2' } });
    const prompt = get(url, '/gsm8kenv/prompt', { 'x-session-id': sid });
    await waitForGate('setup-2');
    const deleted = await post(url, '/delete', undefined, { 'x-session-id': sid });
    assert.equal(deleted.status, 200);
    const res = await prompt;
    assert.equal(res.status, 410);
    assert.deepEqual(await res.json(), { detail: 'Session deleted' });
    assert.equal((await get(url, '/gsm8kenv/prompt', { 'x-session-id': sid })).status, 404);
    gates.get('setup-2')!();
    // The episode built after deletion is still torn down.
    for (let i = 0; i < 100 && teardowns.count === before; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(teardowns.count, before + 1);
  });

  test('a failed setup → 500 with the error text on every session request', async () => {
    const sid = await openSession(url, { task_spec: { id: 'x', fail_setup: true } });
    for (const res of [
      await get(url, '/gsm8kenv/prompt', { 'x-session-id': sid }),
      await get(url, '/gsm8kenv/task_tools', { 'x-session-id': sid }),
      await post(url, '/gsm8kenv/call', { name: 'answer', input: { answer: '1' } }, { 'x-session-id': sid }),
    ]) {
      assert.equal(res.status, 500);
      assert.deepEqual(await res.json(), { detail: 'Error: setup exploded' });
    }
    assert.equal((await post(url, '/delete', undefined, { 'x-session-id': sid })).status, 200);
  });

  test('/create errors: unknown env 404, bad split/index 400, neither or both task forms 422', async () => {
    const h = { 'x-session-id': crypto.randomUUID() };
    const unknown = await post(url, '/create', { env_name: 'nope', task_spec: {} }, h);
    assert.equal(unknown.status, 404);
    assert.deepEqual(await unknown.json(), { detail: "unknown environment 'nope'" });
    assert.deepEqual(await (await post(url, '/create', { split: 'dev', index: 0 }, h)).json(), { detail: 'Invalid split' });
    assert.deepEqual(await (await post(url, '/create', { split: 'test', index: 1 }, h)).json(), { detail: 'Invalid index' });
    for (const body of [{}, { task_spec: {}, split: 'test', index: 0 }, { split: 'test' }, { task_spec: {}, index: 0 }]) {
      const res = await post(url, '/create', body, h);
      assert.equal(res.status, 422, JSON.stringify(body));
      const detail = ((await res.json()) as any).detail;
      assert.equal(detail[0].type, 'value_error');
      assert.deepEqual(detail[0].loc, ['body']);
    }
    assert.equal((await post(url, '/create', { env_name: 'GSM8KENV', split: 'test', index: -1 }, h)).status, 200, 'env names ignore case');
    await post(url, '/delete', undefined, h);
  });

  test('secrets from the body and the X-Secrets header are merged (body wins)', async () => {
    const header = Buffer.from(JSON.stringify({ HEADER_KEY: { value: 'h' }, SHARED: { value: 'from-header' } })).toString('base64');
    const sid = await openSession(url, { split: 'test', index: 0, secrets: { BODY_KEY: 'b', SHARED: 'body' } }, { 'x-secrets': header });
    const out = resultOf((await call(url, sid, { name: 'secret_names', input: {} })).events);
    assert.equal(out.output.blocks[0].text, 'BODY_KEY,HEADER_KEY,SHARED');
    assert.equal(out.output.metadata.len, 'b'.length + 'h'.length + 'body'.length);
    const bad = await post(url, '/create', { split: 'test', index: 0 }, { 'x-session-id': crypto.randomUUID(), 'x-secrets': '!!notbase64json' });
    assert.equal(bad.status, 400);
    assert.doesNotMatch(JSON.stringify(await bad.json()), /notbase64/);
    const badBody = await post(url, '/create', { split: 'test', index: 0, secrets: { K: 5 } }, { 'x-session-id': crypto.randomUUID() });
    assert.equal(badBody.status, 422);
  });

  test('/create_session: SSE for event-stream clients, JSON otherwise', async () => {
    const sse = await post(url, '/create_session', undefined, { accept: 'text/event-stream' });
    assert.equal(sse.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const { events } = parseSse(await sse.text());
    assert.deepEqual(events.map((e) => e.event), ['task_id', 'end']);
    assert.match(events[0].data, /^[0-9a-f-]{36}$/);
    assert.equal(events[1].data, '');
    const json = await post(url, '/create_session');
    assert.match(((await json.json()) as any).sid, /^[0-9a-f-]{36}$/);
  });

  test('bad requests get FastAPI-shaped errors and the server stays up', async () => {
    const h = { 'x-session-id': crypto.randomUUID() };
    const malformed = await post(url, '/gsm8kenv/tasks', '{"split": "train",', {});
    assert.equal(malformed.status, 422);
    const m = ((await malformed.json()) as any).detail[0];
    assert.equal(m.type, 'json_invalid');
    assert.equal(m.loc[0], 'body');

    const extra = await post(url, '/gsm8kenv/task', { split: 'train', index: 0, limit: 5 });
    assert.equal(extra.status, 422);
    assert.deepEqual(await extra.json(), { detail: [{ type: 'extra_forbidden', loc: ['body', 'limit'], msg: 'Extra inputs are not permitted', input: 5 }] });

    const wrongType = await post(url, '/gsm8kenv/task', { split: 7, index: 'x' });
    assert.deepEqual(((await wrongType.json()) as any).detail.map((d: any) => d.type), ['string_type', 'int_type']);

    const noBody = await post(url, '/gsm8kenv/num_tasks');
    assert.equal(noBody.status, 422);
    assert.deepEqual(((await noBody.json()) as any).detail[0], { type: 'missing', loc: ['body'], msg: 'Field required', input: null });

    const notObject = await post(url, '/gsm8kenv/num_tasks', [1, 2]);
    assert.equal(((await notObject.json()) as any).detail[0].type, 'model_attributes_type');

    const huge = await post(url, '/gsm8kenv/tasks', { split: 'x'.repeat(100 * 1024) });
    assert.equal(huge.status, 413);
    assert.deepEqual(await huge.json(), { detail: `Request body too large (limit ${64 * 1024} bytes)` });

    const unknownSession = await get(url, '/gsm8kenv/task_tools', h);
    assert.equal(unknownSession.status, 404);
    assert.deepEqual(await unknownSession.json(), { detail: 'Active environment not found' });

    const callBody = await post(url, '/gsm8kenv/call', { name: 'answer' }, h);
    assert.equal(callBody.status, 422);

    // A body sent to a body-less endpoint is ignored, as FastAPI does.
    assert.equal((await post(url, '/ping', '{not json', h)).status, 404);
    assert.equal((await get(url, '/health')).status, 200);
  });

  test('200 concurrent sessions, each a full episode', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const sid = await openSession(url, { split: 'train', index: i % 2 });
        const answer = i % 2 === 0 ? '72' : i % 4 === 1 ? '9' : 'wrong';
        const r = await call(url, sid, { name: 'answer', input: { answer } });
        const del = await post(url, '/delete', undefined, { 'x-session-id': sid });
        assert.equal(del.status, 200);
        return resultOf(r.events).output.reward;
      }),
    );
    const expected = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 || i % 4 === 1 ? 1 : 0));
    assert.deepEqual(results, expected);
  });
});

describe('idle expiry and capacity', () => {
  let server: OrsServer;
  let url: string;
  before(async () => ({ server, url } = await startServer({ idleTimeoutMs: 500, reapIntervalMs: 20, maxSessions: 3 })));
  after(() => server.close());

  test('an idle session is reaped; a pinged one is not', async () => {
    const before = teardowns.count;
    const idle = await openSession(url);
    const kept = await openSession(url);
    await get(url, '/gsm8kenv/prompt', { 'x-session-id': idle });
    // Keep one session busy with pings until the reaper has torn the other down.
    for (let i = 0; i < 200 && teardowns.count === before; i++) {
      await new Promise((r) => setTimeout(r, 40));
      assert.equal((await post(url, '/ping', undefined, { 'x-session-id': kept })).status, 200);
    }
    assert.equal(teardowns.count, before + 1);
    assert.equal((await post(url, '/ping', undefined, { 'x-session-id': idle })).status, 404);
    assert.equal((await post(url, '/ping', undefined, { 'x-session-id': kept })).status, 200);
    await post(url, '/delete', undefined, { 'x-session-id': kept });
  });

  test('a session with a running call is not reaped', async () => {
    const sid = await openSession(url);
    const r = await call(url, sid, { name: 'sleep', input: { ms: 900 } });
    assert.equal(resultOf(r.events).output.blocks[0].text, 'slept 900');
    assert.equal((await post(url, '/ping', undefined, { 'x-session-id': sid })).status, 200);
    await post(url, '/delete', undefined, { 'x-session-id': sid });
  });

  test('the live-session cap answers 429, and frees up on delete', async () => {
    const sids = [await openSession(url), await openSession(url), await openSession(url)];
    const full = await post(url, '/create', { split: 'test', index: 0 }, { 'x-session-id': crypto.randomUUID() });
    assert.equal(full.status, 429);
    assert.match(((await full.json()) as any).detail, /maximum capacity/);
    await post(url, '/delete', undefined, { 'x-session-id': sids[0] });
    sids[0] = await openSession(url);
    for (const sid of sids) await post(url, '/delete', undefined, { 'x-session-id': sid });
  });
});

describe('API key', () => {
  let server: OrsServer;
  let url: string;
  before(async () => ({ server, url } = await startServer({ apiKey: 's3cret-key' })));
  after(() => server.close());

  test('every endpoint but /health needs the key', async () => {
    assert.equal((await get(url, '/health')).status, 200);
    for (const res of [
      await get(url, '/list_environments'),
      await get(url, '/gsm8kenv/tools'),
      await post(url, '/create_session'),
      await post(url, '/ping', undefined, { 'x-session-id': 'a' }),
      await get(url, '/list_environments', { 'x-api-key': 's3cret-kez' }),
      await get(url, '/list_environments', { authorization: 'Bearer s3cret' }),
      await get(url, '/tools'), // no redirect hint before auth
    ]) {
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), { detail: 'Invalid or missing API key' });
    }
    assert.equal((await get(url, '/list_environments', { 'x-api-key': 's3cret-key' })).status, 200);
    assert.equal((await get(url, '/list_environments', { authorization: 'Bearer s3cret-key' })).status, 200);
    const sid = await openSession(url, { split: 'test', index: 0 }, { 'x-api-key': 's3cret-key' });
    const r = await post(url, '/gsm8kenv/call', { name: 'answer', input: { answer: '3' } }, { 'x-session-id': sid, authorization: 'Bearer s3cret-key' });
    assert.equal(resultOf(parseSse(await r.text()).events).output.reward, 1);
  });
});

describe('shutdown', () => {
  test('close() drains running calls, then tears sessions down', async () => {
    const { server, url } = await startServer();
    const before = teardowns.count;
    const sid = await openSession(url);
    const running = call(url, sid, { name: 'sleep', input: { ms: 300 } });
    await new Promise((r) => setTimeout(r, 50));
    await server.close();
    const r = await running;
    assert.equal(resultOf(r.events).output.blocks[0].text, 'slept 300');
    assert.equal(teardowns.count, before + 1);
    await assert.rejects(fetch(url + '/health'));
  });
});
