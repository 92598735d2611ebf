import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cacheKey, canonicalJson } from '../../src/models/cache.js';
import { ModelError, redactSecrets } from '../../src/models/errors.js';
import { canonicalModelSpec, createModel, ModelClient, parseModelSpec, ResponseCache } from '../../src/models/index.js';
import { resolveEndpoint } from '../../src/models/providers.js';
import { AdaptiveLimiter } from '../../src/models/limiter.js';
import { OpenAiTransport, toOpenAiParams } from '../../src/models/openai.js';
import { costOf, DEFAULT_PRICES, UsageMeter } from '../../src/models/pricing.js';
import { jitteredDelay, withRetries } from '../../src/models/retry.js';
import type { ModelRequest } from '../../src/models/types.js';
import { startMockOpenAI } from './mock-openai.js';

const request: ModelRequest = {
  messages: [
    { role: 'system', content: 'sys' },
    { role: 'user', content: 'What is 2+2?' },
  ],
  tools: [{ name: 'answer', description: 'submit', input_schema: { type: 'object', properties: { answer: { type: 'string', title: 'Answer' } } } }],
};

const fastRetry = { retries: 3, baseMs: 1, maxMs: 5 };

function client(url: string, retry = fastRetry, timeoutMs = 2000, limiter?: AdaptiveLimiter) {
  return new ModelClient(new OpenAiTransport({ model: 'mock-1', baseUrl: url, apiKey: 'sk-test-secret-123456', timeoutMs }), { retry, limiter });
}

test('a tool call round-trips through the OpenAI-compatible transport', async () => {
  const mock = await startMockOpenAI({ script: () => ({ kind: 'tool_calls', calls: [{ name: 'answer', arguments: '{"answer":"4"}' }] }) });
  try {
    const res = await client(mock.url).generate(request);
    assert.equal(res.message.toolCalls.length, 1);
    assert.deepEqual(res.message.toolCalls[0], { id: 'call_0_0', name: 'answer', arguments: '{"answer":"4"}' });
    assert.equal(res.stopReason, 'tool_calls');
    assert.deepEqual(res.usage, { inputTokens: 100, outputTokens: 20 });
    assert.equal(res.attempts, 1);
    // The tool spec went out in chat-completions form, with title annotations removed.
    const sent = mock.requests[0].tools?.[0] as unknown as { function: { name: string; parameters: { properties: { answer: Record<string, unknown> } } } };
    assert.equal(sent.function.name, 'answer');
    assert.equal(sent.function.parameters.properties.answer.title, undefined);
    assert.equal(mock.headers[0].authorization, 'Bearer sk-test-secret-123456');
  } finally {
    await mock.close();
  }
});

test('a 429 storm is retried with backoff until it clears; the limiter halves once per storm', async () => {
  const mock = await startMockOpenAI({ script: (_b, n) => (n < 4 ? { kind: 'status', status: 429 } : { kind: 'text', content: 'ok' }) });
  const limiter = new AdaptiveLimiter({ initial: 8, max: 8 });
  try {
    const res = await client(mock.url, { retries: 5, baseMs: 1, maxMs: 5 }, 2000, limiter).generate(request);
    assert.equal(res.message.content, 'ok');
    assert.equal(res.attempts, 5);
    assert.equal(mock.requests.length, 5);
    assert.ok(limiter.limit < 8, `limit should drop below 8, is ${limiter.limit}`);
  } finally {
    await mock.close();
  }
});

test('retries are bounded: a permanent 500 fails after retries + 1 attempts', async () => {
  const mock = await startMockOpenAI({ script: () => ({ kind: 'status', status: 500 }) });
  try {
    await assert.rejects(client(mock.url).generate(request), (err: unknown) => err instanceof ModelError && err.kind === 'server' && err.status === 500);
    assert.equal(mock.requests.length, 4);
  } finally {
    await mock.close();
  }
});

test('a 400 is not retried, and the key never appears in the error', async () => {
  const mock = await startMockOpenAI({ script: () => ({ kind: 'status', status: 400, body: JSON.stringify({ error: { message: 'bad key sk-test-secret-123456 rejected' } }) }) });
  try {
    await assert.rejects(client(mock.url).generate(request), (err: unknown) => {
      assert.ok(err instanceof ModelError);
      assert.equal(err.kind, 'client');
      assert.ok(!err.message.includes('sk-test-secret-123456'), err.message);
      return true;
    });
    assert.equal(mock.requests.length, 1);
  } finally {
    await mock.close();
  }
});

test('a hanging server times out and the retry succeeds', async () => {
  const mock = await startMockOpenAI({ script: (_b, n) => (n === 0 ? { kind: 'hang' } : { kind: 'text', content: 'late but fine' }) });
  try {
    const res = await client(mock.url, fastRetry, 300).generate(request);
    assert.equal(res.message.content, 'late but fine');
    assert.equal(res.attempts, 2);
  } finally {
    await mock.close();
  }
});

test('a 200 with an unusable body is a protocol error, not a crash', async () => {
  const mock = await startMockOpenAI({ script: () => ({ kind: 'raw', body: '{"choices": []}' }) });
  try {
    await assert.rejects(client(mock.url).generate(request), (err: unknown) => err instanceof ModelError && err.kind === 'protocol');
  } finally {
    await mock.close();
  }
});

test('Retry-After is honoured up to the cap; jitter stays within the exponential bound', async () => {
  for (let a = 1; a <= 6; a++) {
    const d = jitteredDelay(a, { retries: 6, baseMs: 100, maxMs: 1000 }, () => 0.999999);
    assert.ok(d <= Math.min(1000, 100 * 2 ** (a - 1)));
  }
  const delays: number[] = [];
  let n = 0;
  await withRetries(
    async () => {
      if (n++ === 0) throw new ModelError('rate_limit', '429', { status: 429, retryAfterMs: 30 });
      return 1;
    },
    { retries: 2, baseMs: 1, maxMs: 20 },
    { onRetry: (e) => delays.push(e.delayMs), random: () => 0 },
  );
  assert.deepEqual(delays, [20]); // asked for 30 ms, capped at maxMs 20
});

test('the cache key covers the whole request and ignores key order', () => {
  const base = { provider: 'openai', baseUrl: 'u', model: 'm', request };
  assert.equal(cacheKey(base), cacheKey({ ...base, request: JSON.parse(JSON.stringify(request)) }));
  assert.equal(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] }), '{"a":[1,{"c":3,"d":2}],"b":1}');
  assert.notEqual(cacheKey(base), cacheKey({ ...base, salt: 'epoch:2' }));
  assert.notEqual(cacheKey(base), cacheKey({ ...base, request: { ...request, temperature: 0.5 } }));
  assert.notEqual(cacheKey(base), cacheKey({ ...base, model: 'm2' }));
});

test('with the cache on, an identical request is answered from disk; errors are not cached', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gg-cache-'));
  let fail = true;
  const mock = await startMockOpenAI({ script: () => (fail ? { kind: 'status', status: 400 } : { kind: 'text', content: 'fresh' }) });
  try {
    const c = new ModelClient(new OpenAiTransport({ model: 'mock-1', baseUrl: mock.url, apiKey: 'x' }), { retry: fastRetry, cache: new ResponseCache(dir) });
    await assert.rejects(c.generate(request));
    fail = false;
    const first = await c.generate(request);
    const second = await c.generate(request);
    assert.equal(first.cached, false);
    assert.equal(second.cached, true);
    assert.equal(second.message.content, 'fresh');
    assert.equal(mock.requests.length, 2);
    const third = await c.generate(request, { cacheSalt: 'epoch:2' });
    assert.equal(third.cached, false);
  } finally {
    await mock.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('adaptive limiter: caps in-flight calls, halves on 429, grows back on success', async () => {
  const lim = new AdaptiveLimiter({ initial: 4, max: 4, min: 1 });
  const permits = await Promise.all([1, 2, 3, 4].map(() => lim.acquire()));
  let fifth = false;
  const p5 = lim.acquire().then((p) => {
    fifth = true;
    return p;
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(fifth, false, 'fifth acquire must wait');
  // Four 429s from requests of the same generation count as one backoff.
  for (const p of permits) lim.release(p, 'rate_limited');
  assert.equal(lim.limit, 2);
  assert.equal(lim.backoffs, 1);
  const p = await p5;
  lim.release(p, 'rate_limited'); // started after the cut: a new signal, halves again
  assert.equal(lim.limit, 1);
  assert.equal(lim.backoffs, 2);
  for (let i = 0; i < 20; i++) lim.release(await lim.acquire(), 'ok');
  assert.equal(lim.limit, 4);
});

test('createModel reads the key from the environment and refuses to run without one', () => {
  assert.throws(() => createModel('openai:gpt-x', { env: {} }), /OPENAI_API_KEY/);
  assert.throws(() => createModel('gpt-x', { env: {} }), /<provider>\/<model> or <provider>:<model>/);
  assert.throws(() => createModel('mistral:x', { env: {} }), /provider one of openai, anthropic, vllm/);
  const m = createModel('anthropic:claude-x', { env: { MY_KEY: 'sk-ant-abcdef123456' }, apiKeyEnv: 'MY_KEY' });
  assert.equal(m.id, 'anthropic:claude-x');
  assert.equal(redactSecrets('failed with sk-ant-abcdef123456'), 'failed with [REDACTED]');
  assert.ok(createModel('openai:local', { env: {}, baseUrl: 'http://127.0.0.1:1/v1' }));
});

test('model specs as Inspect users type them: provider/model and provider:model, named providers, *_BASE_URL honoured', () => {
  assert.deepEqual(parseModelSpec('openai/gpt-4o-mini'), { provider: 'openai', model: 'gpt-4o-mini', wire: 'openai' });
  assert.deepEqual(parseModelSpec('anthropic:claude-x'), { provider: 'anthropic', model: 'claude-x', wire: 'anthropic' });
  assert.deepEqual(parseModelSpec('openrouter/meta-llama/llama-3-70b'), { provider: 'openrouter', model: 'meta-llama/llama-3-70b', wire: 'openai' });
  assert.equal(canonicalModelSpec('openai/gpt-4o-mini'), 'openai:gpt-4o-mini');
  const key = { OPENAI_API_KEY: 'sk-test-abcdef123456' };
  // the agent's key goes where OPENAI_BASE_URL says (a vLLM server), never silently to the public API
  assert.deepEqual(resolveEndpoint(parseModelSpec('openai/m'), { env: { ...key, OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1' } }), { baseUrl: 'http://127.0.0.1:8000/v1', keyEnv: 'OPENAI_API_KEY', apiKey: key.OPENAI_API_KEY });
  assert.equal(resolveEndpoint(parseModelSpec('openai/m'), { baseUrl: 'http://h/v1', env: { OPENAI_BASE_URL: 'http://other/v1' } }).baseUrl, 'http://h/v1', '--base-url wins');
  assert.equal(resolveEndpoint(parseModelSpec('vllm/qwen'), { env: {} }).baseUrl, 'http://localhost:8000/v1', 'local providers need no key');
  assert.equal(resolveEndpoint(parseModelSpec('ollama/llama3'), { env: { OLLAMA_BASE_URL: 'http://gpu:11434/v1' } }).baseUrl, 'http://gpu:11434/v1');
  assert.throws(() => resolveEndpoint(parseModelSpec('openrouter/x'), { env: {} }), /\$OPENROUTER_API_KEY/);
  assert.equal(resolveEndpoint(parseModelSpec('together/x'), { env: { TOGETHER_API_KEY: 'k-1234567' } }).baseUrl, 'https://api.together.xyz/v1');
  const m = createModel('openai/gpt-x', { env: { ...key, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' } });
  assert.equal((m as unknown as { transport: { baseUrl: string } }).transport.baseUrl, 'http://127.0.0.1:9/v1');
  // Anthropic the same way: ANTHROPIC_BASE_URL moves the agent's endpoint (a proxy or gateway), --base-url still wins
  const ant = { ANTHROPIC_API_KEY: 'sk-ant-test-abcdef123456', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/anthropic' };
  const a = createModel('anthropic/claude-x', { env: ant });
  assert.equal((a as unknown as { transport: { baseUrl: string } }).transport.baseUrl, 'http://127.0.0.1:9/anthropic');
  assert.equal(resolveEndpoint(parseModelSpec('anthropic:claude-x'), { baseUrl: 'http://h', env: ant }).baseUrl, 'http://h');
  assert.equal((createModel('anthropic:claude-x', { env: { ANTHROPIC_API_KEY: ant.ANTHROPIC_API_KEY } }) as unknown as { transport: { baseUrl: string } }).transport.baseUrl, 'https://api.anthropic.com');
});

test('costs: priced models add up, agent and judge are kept apart, unknown models are unpriced', () => {
  assert.equal(costOf(DEFAULT_PRICES, 'openai:gpt-4o-mini', { inputTokens: 1_000_000, outputTokens: 1_000_000 }), 0.75);
  assert.equal(costOf(DEFAULT_PRICES, 'openai:unknown', { inputTokens: 1, outputTokens: 1 }), null);
  const meter = new UsageMeter({ 'openai:a': { inputPerMTok: 1, outputPerMTok: 2 } });
  meter.add('agent', 'openai:a', { inputTokens: 500_000, outputTokens: 500_000 });
  meter.add('judge', 'openai:a', { inputTokens: 1_000_000, outputTokens: 0 });
  assert.equal(meter.byRole.agent.cost, 1.5);
  assert.equal(meter.byRole.judge.cost, 1);
  meter.add('judge', 'openai:b', { inputTokens: 1, outputTokens: 1 });
  assert.equal(meter.byRole.judge.cost, null);
  assert.equal(meter.byRole.agent.cost, 1.5);
});

test('request parameters: seed, temperature and max tokens pass through', () => {
  const p = toOpenAiParams('m', { ...request, seed: 7, temperature: 0, maxTokens: 64 });
  assert.equal(p.seed, 7);
  assert.equal(p.temperature, 0);
  assert.equal(p.max_tokens, 64);
});
