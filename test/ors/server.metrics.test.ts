// /metrics (Prometheus text format) and /health while a replica drains.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { get, post, startServer } from './server-fixture.js';

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function call(url: string, sid: string, name: string, input: object): Promise<string> {
  const res = await post(url, '/gsm8kenv/call', { name, input }, { 'x-session-id': sid, accept: 'text/event-stream' });
  assert.equal(res.status, 200);
  return res.text();
}

test('/metrics counts sessions, calls by env/tool/outcome, latency and error responses', async () => {
  const { server, url } = await startServer();
  try {
    const before = await (await get(url, '/metrics')).text();
    assert.equal(sample(before, 'genegym_sessions_live'), 0);
    assert.equal(sample(before, 'genegym_draining'), 0);

    const sid = crypto.randomUUID();
    assert.equal((await post(url, '/create', { env_name: 'gsm8kenv', split: 'train', index: 1 }, { 'x-session-id': sid })).status, 200);
    await call(url, sid, 'sleep', { ms: 30 });
    await call(url, sid, 'sleep', { ms: 1 });
    await call(url, sid, 'nosuchtool', {}); // refused: the agent is told, the call counts as tool_error
    await call(url, sid, 'answer', { answer: '9' });
    const missing = await post(url, '/ping', {}, { 'x-session-id': 'not-a-session' });
    assert.equal(missing.status, 404);
    await missing.text();

    const res = await get(url, '/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.equal(sample(text, 'genegym_sessions_live'), 1);
    assert.equal(sample(text, 'genegym_calls_total{env="gsm8kenv",tool="sleep",outcome="ok"}'), 2);
    assert.equal(sample(text, 'genegym_calls_total{env="gsm8kenv",tool="answer",outcome="ok"}'), 1);
    assert.equal(sample(text, 'genegym_calls_total{env="gsm8kenv",tool="nosuchtool",outcome="tool_error"}'), 1);
    assert.equal(sample(text, 'genegym_call_duration_seconds_count{env="gsm8kenv",tool="sleep"}'), 2);
    // the 30 ms sleep can never fall in the 25 ms bucket (the 1 ms one usually does, but a loaded
    // machine may delay it: only what timing cannot change is asserted); buckets are cumulative
    const le10 = sample(text, 'genegym_call_duration_seconds_bucket{env="gsm8kenv",tool="sleep",le="0.01"}')!;
    const le25 = sample(text, 'genegym_call_duration_seconds_bucket{env="gsm8kenv",tool="sleep",le="0.025"}')!;
    assert.ok(le25 <= 1, `at most the short call is under 25 ms (got ${le25})`);
    assert.ok(le10 <= le25, 'cumulative buckets');
    assert.equal(sample(text, 'genegym_call_duration_seconds_bucket{env="gsm8kenv",tool="sleep",le="+Inf"}'), 2);
    assert.ok(sample(text, 'genegym_call_duration_seconds_sum{env="gsm8kenv",tool="sleep"}')! >= 0.03);
    assert.equal(sample(text, 'genegym_http_errors_total{status="404"}'), 1);
    assert.ok(sample(text, 'process_cpu_seconds_total')! > 0);
    // every sample line belongs to a declared metric family
    const declared = new Set(text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]));
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
      const name = line.split(/[{ ]/)[0].replace(/_(bucket|sum|count)$/, '');
      assert.ok(declared.has(name) || declared.has(line.split(/[{ ]/)[0]), `undeclared series: ${line}`);
    }
  } finally {
    await server.close();
  }
});

test('/metrics sits behind the API key; /health does not', async () => {
  const { server, url } = await startServer({ apiKey: 'k-0123456789' });
  try {
    assert.equal((await get(url, '/metrics')).status, 401);
    assert.equal((await get(url, '/metrics', { 'x-api-key': 'k-0123456789' })).status, 200);
    assert.equal((await get(url, '/health')).status, 200);
  } finally {
    await server.close();
  }
});

test('a draining server (close() called) fails /health at once while still serving its sessions until the drain delay ends', async () => {
  const { server, url } = await startServer({ drainDelayMs: 400 });
  const sid = crypto.randomUUID();
  assert.equal((await post(url, '/create', { env_name: 'gsm8kenv', split: 'train', index: 1 }, { 'x-session-id': sid })).status, 200);
  assert.equal((await get(url, '/health')).status, 200);
  const closed = server.close();
  const health = await get(url, '/health');
  assert.equal(health.status, 503);
  assert.deepEqual(await health.json(), { status: 'draining' });
  // the session is still served during the drain delay
  assert.match(await call(url, sid, 'answer', { answer: '9' }), /"reward":1/);
  assert.equal(sample(await (await get(url, '/metrics')).text(), 'genegym_draining'), 1);
  await closed;
  await assert.rejects(fetch(url + '/health'));
});
