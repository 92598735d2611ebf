import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { OrsClient } from '../../src/ors/client/client.js';
import { HttpTransport } from '../../src/ors/client/transport.js';
import { OrsConnectionError, OrsHttpError, OrsResumeError, OrsSessionDeadError, OrsToolFault } from '../../src/ors/client/errors.js';
import type { RunToolOutput } from '../../src/ors/types.js';
import { delay, fakeServer, FAST, sendJson, sseEvent, sseResult, startSse, type FakeServer, type Handler } from './client-fixtures.js';

const servers: FakeServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

const TASK = 'a'.repeat(32);
const result = (text: string): RunToolOutput => ({
  ok: true,
  output: { blocks: [{ type: 'text', text, detail: null }], metadata: null, reward: 1, finished: true },
});

/** A fake ORS server: session endpoints answer simply; /call is scripted by the test. */
async function orsWithCall(call: Handler, opts: { silenceTimeoutMs?: number; maxReconnects?: number; requestTimeoutMs?: number } = {}) {
  let calls = 0;
  const s = await fakeServer((req, res, body, n) => {
    const url = req.url ?? '';
    if (url === '/create_session') {
      startSse(res);
      res.end(sseEvent('task_id', 'sid-1') + sseEvent('end', ''));
    } else if (url === '/create' || url === '/delete' || url === '/delete_session') sendJson(res, 200, { sid: 'sid-1' });
    else if (url === '/ping') sendJson(res, 200, { status: 'ok' });
    else if (url === '/demo/call') return call(req, res, body, ++calls);
    else sendJson(res, 404, { detail: 'Not Found' });
    void n;
  });
  servers.push(s);
  const client = new OrsClient({ baseUrl: s.baseUrl, pingIntervalMs: 0, silenceTimeoutMs: opts.silenceTimeoutMs ?? 5000, maxReconnects: opts.maxReconnects, requestTimeoutMs: opts.requestTimeoutMs, ...FAST });
  const session = await client.environment('demo').session({ split: 'train', index: 0 });
  const callBodies = () => s.seen.filter((x) => x.url === '/demo/call').map((x) => JSON.parse(x.body) as Record<string, unknown>);
  return { s, session, callBodies };
}

test('chunks are concatenated exactly, leading spaces included; the first call has no task_id', async () => {
  const text = ' '.repeat(5000) + 'a b'.repeat(3000) + '\u{1F9EC}';
  const { session, callBodies } = await orsWithCall((_q, res) => {
    startSse(res);
    res.end(sseEvent('task_id', TASK) + ': ping - now\r\n\r\n' + sseResult(result(text), 1000));
  });
  const out = await session.call('echo', { text: 'x' });
  assert.deepEqual(out, result(text));
  assert.deepEqual(callBodies(), [{ name: 'echo', input: { text: 'x' } }]);
  await session.close();
});

test('ok:false is returned, an error event throws OrsToolFault', async () => {
  const { session } = await orsWithCall((_q, res, body) => {
    startSse(res);
    const name = (JSON.parse(body) as { name: string }).name;
    if (name === 'nope') res.end(sseEvent('task_id', TASK) + sseResult({ ok: false, error: "'nope' is not a valid tool" }));
    else res.end(sseEvent('task_id', TASK) + sseEvent('error', 'ValueError: disk on fire\n  at line 2'));
  });
  assert.deepEqual(await session.call('nope', {}), { ok: false, error: "'nope' is not a valid tool" });
  await assert.rejects(session.call('boom', {}), (err: unknown) => {
    assert.ok(err instanceof OrsToolFault);
    assert.equal(err.taskId, TASK);
    assert.match(err.message, /disk on fire\n {2}at line 2$/, 'multi-line error data joins with a newline');
    return true;
  });
});

test('silence longer than the timeout reconnects with the task_id and gets the replay', async () => {
  const { session, callBodies } = await orsWithCall(
    async (_q, res, _b, n) => {
      startSse(res);
      if (n === 1) {
        res.write(sseEvent('task_id', TASK) + sseEvent('chunk', '{"ok":tr')); // then silence
        return;
      }
      res.end(sseEvent('task_id', TASK) + sseResult(result('resumed'), 5));
    },
    { silenceTimeoutMs: 150 },
  );
  assert.deepEqual(await session.call('slow', { n: 1 }), result('resumed'));
  assert.deepEqual(callBodies(), [
    { name: 'slow', input: { n: 1 } },
    { name: 'slow', input: { n: 1 }, task_id: TASK },
  ]);
});

test('pings keep a slow call alive past the silence timeout', async () => {
  const { session, callBodies } = await orsWithCall(
    async (_q, res) => {
      startSse(res);
      res.write(sseEvent('task_id', TASK));
      for (let i = 0; i < 6; i++) {
        await delay(50);
        res.write(': ping\r\n\r\n');
      }
      res.end(sseResult(result('slow but fine')));
    },
    { silenceTimeoutMs: 150 },
  );
  assert.deepEqual(await session.call('slow', {}), result('slow but fine'));
  assert.equal(callBodies().length, 1);
});

test('a stream that closes without end is resumed; the replay is not appended to the partial data', async () => {
  const { session, callBodies } = await orsWithCall((_q, res, _b, n) => {
    startSse(res);
    if (n === 1) res.end(sseEvent('task_id', TASK) + sseEvent('chunk', '{"ok":true,'));
    else res.end(sseEvent('task_id', TASK) + sseResult(result('whole'), 7));
  });
  assert.deepEqual(await session.call('t', {}), result('whole'));
  assert.equal(callBodies()[1].task_id, TASK);
});

test('streams that always close early give up after maxReconnects', async () => {
  const { session, callBodies } = await orsWithCall(
    (_q, res) => {
      startSse(res);
      res.end(sseEvent('task_id', TASK));
    },
    { maxReconnects: 3 },
  );
  await assert.rejects(session.call('t', {}), OrsConnectionError);
  assert.equal(callBodies().length, 4);
});

test('a connection destroyed mid-stream is resumed', async () => {
  const { session } = await orsWithCall((_q, res, _b, n) => {
    startSse(res);
    if (n === 1) {
      res.write(sseEvent('task_id', TASK));
      setTimeout(() => res.destroy(), 20);
    } else res.end(sseEvent('task_id', TASK) + sseResult(result('after reset')));
  });
  assert.deepEqual(await session.call('t', {}), result('after reset'));
});

test('an unknown task_id on resume throws OrsResumeError', async () => {
  const { session } = await orsWithCall((_q, res, _b, n) => {
    startSse(res);
    if (n === 1) res.end(sseEvent('task_id', TASK));
    else res.end(sseEvent('error', 'unknown task_id'));
  });
  await assert.rejects(session.call('t', {}), (err: unknown) => err instanceof OrsResumeError && err.taskId === TASK);
});

test('503 before the stream is retried; 404 is not and marks the session dead', async () => {
  const { session, callBodies } = await orsWithCall((_q, res, _b, n) => {
    if (n === 1) return sendJson(res, 503, { detail: 'busy' });
    if (n === 2) {
      startSse(res);
      return res.end(sseEvent('task_id', TASK) + sseResult(result('ok')));
    }
    sendJson(res, 404, { detail: 'Active environment not found' });
  });
  assert.deepEqual(await session.call('t', {}), result('ok'));
  assert.equal(callBodies().length, 2);
  await assert.rejects(session.call('t', {}), (err: unknown) => err instanceof OrsHttpError && err.status === 404);
  assert.equal(callBodies().length, 3);
  assert.ok(session.isDead);
  await assert.rejects(session.call('t', {}), OrsSessionDeadError);
  assert.equal(callBodies().length, 3);
});

test('a caller abort ends the call without reconnecting', async () => {
  const { session, callBodies } = await orsWithCall((_q, res) => {
    startSse(res);
    res.write(sseEvent('task_id', TASK));
  });
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error('user gave up')), 50);
  await assert.rejects(session.call('t', {}, { signal: ac.signal }), /user gave up/);
  assert.equal(callBodies().length, 1);
});

test('missing optional keys are filled in; a broken payload is a protocol error', async () => {
  const { session } = await orsWithCall((_q, res, body) => {
    startSse(res);
    const name = (JSON.parse(body) as { name: string }).name;
    if (name === 'sparse') res.end(sseEvent('task_id', TASK) + sseEvent('end', '{"ok":true,"output":{"blocks":[{"type":"text","text":"hi"}]}}'));
    else res.end(sseEvent('task_id', TASK) + sseEvent('end', '{"ok":tru'));
  });
  assert.deepEqual(await session.call('sparse', {}), {
    ok: true,
    output: { blocks: [{ type: 'text', text: 'hi', detail: null }], metadata: null, reward: null, finished: false },
  });
  await assert.rejects(session.call('broken', {}), /not JSON/);
});

test('a first call waiting for a slow setup is not re-sent by the silence timeout', async () => {
  const { session, callBodies } = await orsWithCall(
    async (_q, res) => {
      await delay(400); // the server holds the headers until setup has finished
      startSse(res);
      res.end(sseEvent('task_id', TASK) + sseResult(result('after setup')));
    },
    { silenceTimeoutMs: 100 },
  );
  assert.deepEqual(await session.call('t', {}), result('after setup'));
  assert.equal(callBodies().length, 1);
});

test('a first call that hits the request time limit before any answer fails without re-sending', async () => {
  const { session, callBodies } = await orsWithCall(() => {
    /* never answers */
  }, { requestTimeoutMs: 150 });
  await assert.rejects(session.call('t', {}), OrsConnectionError);
  assert.equal(callBodies().length, 1);
});

test('a stream that dies before its task_id is not re-sent (the tool may be running)', async () => {
  const { session, callBodies } = await orsWithCall((_q, res) => {
    startSse(res);
    res.end(': ping\r\n\r\n');
  });
  await assert.rejects(session.call('t', {}), (err: unknown) => err instanceof OrsConnectionError && /before the server sent its task_id/.test(err.message));
  assert.equal(callBodies().length, 1);
});

test('a first call whose connection breaks before any answer is not re-sent; a refused one is', async () => {
  const { session, callBodies } = await orsWithCall((_q, res) => {
    res.socket?.destroy(); // the request arrived; the answer never comes
  });
  await assert.rejects(session.call('t', {}), OrsConnectionError);
  assert.equal(callBodies().length, 1);

  // A refused connection means nothing was sent, so even such a request is retried.
  const gone = await fakeServer(() => {});
  const url = gone.baseUrl;
  await gone.close(); // never connected to, so no pooled socket hides the refusal
  const attempts: string[] = [];
  const counting: typeof fetch = (input, init) => {
    attempts.push(String(input));
    return fetch(input, init);
  };
  const t = new HttpTransport({ baseUrl: url, retries: 2, fetch: counting, ...FAST });
  await assert.rejects(t.send('POST', '/demo/call', { body: {}, retryConnectionFailures: 'unsent' }), OrsConnectionError);
  assert.equal(attempts.length, 3);
});
