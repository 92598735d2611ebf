import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { OrsConnectionError, OrsHttpError } from '../../src/ors/client/errors.js';
import { HttpTransport } from '../../src/ors/client/transport.js';
import { fakeServer, FAST, sendJson, type FakeServer } from './client-fixtures.js';

const servers: FakeServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));
async function serve(...args: Parameters<typeof fakeServer>) {
  const s = await fakeServer(...args);
  servers.push(s);
  return s;
}

test('503 then success is retried and succeeds', async () => {
  const s = await serve((_req, res, _b, n) => (n === 1 ? sendJson(res, 503, { detail: 'busy' }) : sendJson(res, 200, { ok: 1 })));
  const t = new HttpTransport({ baseUrl: s.baseUrl, ...FAST });
  assert.deepEqual(await t.json('GET', '/x'), { ok: 1 });
  assert.equal(s.seen.length, 2);
});

test('a 429 storm stops after retries+1 attempts with the server detail', async () => {
  const s = await serve((_req, res) => sendJson(res, 429, { detail: 'at maximum capacity' }, { 'retry-after': '0' }));
  const t = new HttpTransport({ baseUrl: s.baseUrl, retries: 4, ...FAST });
  await assert.rejects(t.json('POST', '/create', { body: {} }), (err: unknown) => {
    assert.ok(err instanceof OrsHttpError);
    assert.equal(err.status, 429);
    assert.equal(err.detail, 'at maximum capacity');
    return true;
  });
  assert.equal(s.seen.length, 5);
});

test('4xx other than 429 is never retried', async () => {
  for (const status of [400, 401, 404, 410, 413, 422]) {
    const s = await serve((_req, res) => sendJson(res, status, { detail: [{ msg: 'bad' }] }));
    const t = new HttpTransport({ baseUrl: s.baseUrl, retries: 3, ...FAST });
    await assert.rejects(t.json('GET', '/x'), (err: unknown) => err instanceof OrsHttpError && err.status === status);
    assert.equal(s.seen.length, 1, `status ${status}`);
  }
});

test('a non-JSON error body becomes the detail text', async () => {
  const s = await serve((_req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('Internal Server Error');
  });
  const t = new HttpTransport({ baseUrl: s.baseUrl, retries: 0 });
  await assert.rejects(t.json('GET', '/x'), (err: unknown) => err instanceof OrsHttpError && err.detail === 'Internal Server Error');
});

test('Retry-After is honoured but capped by the backoff maximum', async () => {
  const s = await serve((_req, res, _b, n) => (n === 1 ? sendJson(res, 503, {}, { 'retry-after': '3600' }) : sendJson(res, 200, {})));
  const t = new HttpTransport({ baseUrl: s.baseUrl, backoff: { baseMs: 1, maxMs: 50 } });
  await t.json('GET', '/x'); // would hang for an hour if not capped
  assert.equal(s.seen.length, 2);
});

test('connection failures are retried a bounded number of times', async () => {
  const s = await serve((_req, res) => sendJson(res, 200, {}));
  const url = s.baseUrl;
  await s.close();
  servers.splice(servers.indexOf(s), 1);
  const t = new HttpTransport({ baseUrl: url, retries: 2, ...FAST });
  await assert.rejects(t.json('GET', '/health'), (err: unknown) => err instanceof OrsConnectionError && /after 3 attempts/.test(err.message));
});

test('sends the API key, user agent, accept and JSON content type', async () => {
  const s = await serve((_req, res) => sendJson(res, 200, {}));
  const t = new HttpTransport({ baseUrl: s.baseUrl + '/', apiKey: 'k-123', userAgent: 'tester/1' });
  await t.json('POST', '/ping', { body: { a: 1 }, headers: { 'x-session-id': 'sid' } });
  const h = s.seen[0].headers;
  assert.equal(s.seen[0].url, '/ping');
  assert.equal(h['x-api-key'], 'k-123');
  assert.equal(h['user-agent'], 'tester/1');
  assert.equal(h['accept'], 'application/json');
  assert.equal(h['content-type'], 'application/json');
  assert.equal(h['x-session-id'], 'sid');
  assert.equal(s.seen[0].body, '{"a":1}');
});

test('a hanging request hits the per-attempt time limit and is retried, then fails', async () => {
  const s = await serve(() => {
    /* never answers */
  });
  const t = new HttpTransport({ baseUrl: s.baseUrl, retries: 1, requestTimeoutMs: 100, ...FAST });
  await assert.rejects(t.json('GET', '/x'), OrsConnectionError);
  assert.equal(s.seen.length, 2);
});

test('a caller abort stops retrying at once', async () => {
  const s = await serve((_req, res) => sendJson(res, 503, {}));
  const t = new HttpTransport({ baseUrl: s.baseUrl, retries: 10, backoff: { baseMs: 10_000, maxMs: 10_000 } });
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error('stop')), 50);
  await assert.rejects(t.json('GET', '/x', { signal: ac.signal }), /stop/);
  assert.equal(s.seen.length, 1);
});

test('bad base URLs are refused up front', () => {
  assert.throws(() => new HttpTransport({ baseUrl: 'localhost:8080' }), /http or https|not a valid URL/);
  assert.throws(() => new HttpTransport({ baseUrl: 'http://x', retries: -1 }), /non-negative/);
});

test('backoff doubles up to the cap; Retry-After reads seconds and HTTP dates', async () => {
  const { backoffDelay, retryAfterMs } = await import('../../src/ors/client/backoff.js');
  const opts = { baseMs: 500, maxMs: 10_000 };
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, opts)), [500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  assert.equal(retryAfterMs('2'), 2000);
  assert.equal(retryAfterMs('0.5'), 500);
  const now = Date.parse('2026-11-23T10:00:00Z');
  assert.equal(retryAfterMs('Mon, 23 Nov 2026 10:00:07 GMT', now), 7000);
  assert.equal(retryAfterMs('soon'), null);
  assert.equal(retryAfterMs(null), null);
});
