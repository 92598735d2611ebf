// Attacks on the protocol edges, each through a real ORS server on loopback: task specs the
// environment cannot serve, half-open and slow connections, a connection flood, deeply nested
// and huge JSON, capacity (429), and live fetches that try to reach special IPv6 ranges or hold
// the server with a one-byte drip.

import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http, { createServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createCaseStudiesEnvironment } from '../../src/envs/case-studies/env.js';
import { arithmeticEnvironment } from '../../src/envs/example/arithmetic.js';
import { createGenomeQaEnvironment } from '../../src/envs/genome-qa/environment.js';
import { isBlockedAddress, liveFetch, vetUrl } from '../../src/mirror/live.js';
import { arrayTasks, defineEnvironment, defineTool } from '../../src/ors/environment.js';
import { toolOutput, type JsonObject } from '../../src/ors/types.js';
import type { OrsServer } from '../../src/ors/server/index.js';
import { exampleLinear } from '../envs/case-studies/fixtures/example-linear.js';
import { standardFake } from '../envs/genome-qa/fake-assembly.js';
import { gates, testEnvironment } from '../ors/server-fixture.js';
import { callTool, create, serve } from './ors-helpers.js';

const servers: OrsServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));
async function start(...args: Parameters<typeof serve>) {
  const s = await serve(...args);
  servers.push(s.server);
  return s;
}

const port = (url: string) => Number(new URL(url).port);
const closed = (s: Socket) => (s.destroyed ? Promise.resolve() : once(s, 'close').then(() => undefined));
const rawSocket = async (url: string): Promise<Socket> => {
  const s = connect(port(url), '127.0.0.1');
  s.on('error', () => {});
  s.resume(); // read, so the server's close is seen
  await once(s, 'connect');
  return s;
};

test('a task spec the environment cannot serve is a 400 at /create with a clear message, never a 500 at /prompt', async () => {
  const genomeQa = createGenomeQaEnvironment({ assembly: standardFake(), trainSize: 20, testSize: 20, judge: null });
  const cases = createCaseStudiesEnvironment({ cases: [exampleLinear], sandbox: 'none', perCase: { train: 5, test: 5 } });
  const { url } = await start([genomeQa, arithmeticEnvironment(), cases]);
  const real = await genomeQa.tasks.get('train', 3);
  const bad: [string, JsonObject, RegExp][] = [
    ['genome-qa', {}, /needs split and index/],
    ['genome-qa', { split: 'validation', index: 0 }, /unknown split/],
    ['genome-qa', { split: 'train', index: 20 }, /Invalid index/],
    ['genome-qa', { split: 'train', index: 1.5 }, /needs split and index/],
    ['genome-qa', { ...real, question: 'What is the answer?' }, /question does not match/],
    ['genome-qa', { ...real, id: `${'x'.repeat(100_000)}/train/3` }, /does not belong/],
    ['arithmetic', { id: 'x' }, /needs "split"/],
    ['arithmetic', { split: 'train', index: -1 }, /outside split/],
    ['arithmetic', { split: 'nope', index: 0 }, /unknown split/],
    ['case-studies', { case: 'nope', seed: 1, split: 'train' }, /unknown case/],
    ['case-studies', { case: exampleLinear.id, seed: 3, split: 'test' }, /does not belong/],
    ['case-studies', { case: exampleLinear.id, seed: -1, split: 'train' }, /integer "seed"/],
  ];
  for (const [env, spec, message] of bad) {
    const r = await create(url, { env_name: env, task_spec: spec });
    assert.equal(r.status, 400, `${env} ${JSON.stringify(spec).slice(0, 80)}: ${JSON.stringify(r.body).slice(0, 200)}`);
    assert.match(r.body.detail, /^Invalid task_spec: /);
    assert.match(r.body.detail, message);
    assert.ok(r.body.detail.length < 1200, 'the message echoes a bounded prefix at most');
    assert.doesNotMatch(r.body.detail, /\n\s+at /, 'no stack trace');
    // nothing was created under that id
    const prompt = await fetch(`${url}/${env}/prompt`, { headers: { 'x-session-id': r.sid } });
    assert.equal(prompt.status, 404);
  }
  // the real spec still works
  const ok = await create(url, { env_name: 'genome-qa', task_spec: real });
  assert.equal(ok.status, 200);
  assert.equal((await fetch(`${url}/genome-qa/prompt`, { headers: { 'x-session-id': ok.sid } })).status, 200);
});

test('half-open and slow-request connections are cut, while SSE streams and idle keep-alive clients carry on', { timeout: 60_000 }, async () => {
  const { url } = await start([testEnvironment()], { headersTimeoutMs: 300, requestTimeoutMs: 600 });
  // A long tool call (SSE) opened before the flood must outlive every timeout.
  const sid = crypto.randomUUID();
  assert.equal((await fetch(`${url}/create`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-session-id': sid }, body: JSON.stringify({ env_name: 'gsm8kenv', split: 'train', index: 0 }) })).status, 200);
  const stream = callTool(url, 'gsm8kenv', sid, 'held', { gate: 'protocol-sse' });
  // An idle keep-alive client.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const health = () =>
    new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
      const req = http.get(`${url}/health`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
      });
      req.on('error', reject);
    });
  assert.equal((await health()).status, 200);

  const silent = await Promise.all(Array.from({ length: 100 }, () => rawSocket(url)));
  const partialHeaders = await Promise.all(
    Array.from({ length: 100 }, async () => {
      const s = await rawSocket(url);
      s.write('POST /create HTTP/1.1\r\nHost: x\r\nX-Session-ID: a');
      return s;
    }),
  );
  const slowBody = await Promise.all(
    Array.from({ length: 50 }, async () => {
      const s = await rawSocket(url);
      s.write('POST /create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"spl');
      return s;
    }),
  );
  await Promise.all([...silent, ...partialHeaders, ...slowBody].map(closed));

  // The idle keep-alive connection was not treated as half-open, and the stream is still live.
  const again = await health();
  assert.equal(again.status, 200);
  assert.equal(again.reused, true, 'the keep-alive socket survived the headers timeout');
  agent.destroy();
  gates.get('protocol-sse')!();
  const r = await stream;
  assert.equal(r.result?.ok, true, JSON.stringify(r));
  assert.equal(r.result.output.blocks[0].text, 'released protocol-sse');
});

test('connections beyond the cap are closed on arrival; the server serves again once they go', { timeout: 60_000 }, async () => {
  const { server, url } = await start([testEnvironment()], { maxConnections: 20 });
  const held = await Promise.all(Array.from({ length: 20 }, () => rawSocket(url)));
  await new Promise<void>((resolve) => {
    const check = () => server.app.server.getConnections((_e, n) => (n >= 20 ? resolve() : setImmediate(check)));
    check();
  });
  const extra = await rawSocket(url);
  extra.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
  let data = '';
  extra.on('data', (d) => (data += d));
  await closed(extra);
  assert.equal(data, '', 'no answer past the cap');
  for (const s of held) s.destroy();
  await Promise.all(held.map(closed));
  let status = 0;
  while (status !== 200) {
    status = await fetch(`${url}/health`).then((r) => r.status, () => 0);
  }
});

test('deeply nested and huge JSON is a bounded 4xx, and the server stays up', async () => {
  const { url } = await start([testEnvironment()]);
  const deep = '['.repeat(400_000) + ']'.repeat(400_000);
  const deepObject = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
  const sid = crypto.randomUUID();
  await fetch(`${url}/create`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-session-id': sid }, body: JSON.stringify({ env_name: 'gsm8kenv', split: 'train', index: 0 }) });
  const h = { 'content-type': 'application/json', 'x-session-id': sid };
  const attempts: [string, string][] = [
    ['/create', deep],
    ['/create', `{"env_name": "gsm8kenv", "task_spec": ${deepObject}}`],
    ['/gsm8kenv/tasks', deep],
    ['/gsm8kenv/call', `{"name": "answer", "input": {"answer": ${deep}}}`],
    ['/gsm8kenv/call', `{"name": "echo", "input": ${deepObject}}`],
  ];
  for (const [path, body] of attempts) {
    const res = await fetch(url + path, { method: 'POST', headers: h, body });
    const text = await res.text();
    assert.equal(res.status, 422, `${path}: ${text.slice(0, 200)}`);
    assert.match(text, /nesting deeper than 100 levels/);
    assert.ok(text.length < 2000, `${path}: ${text.length} bytes`);
  }
  // Huge inputs echo a bounded prefix.
  const huge = 'y'.repeat(900_000);
  for (const [path, body] of [
    ['/gsm8kenv/tasks', { split: 123, extra: huge }],
    ['/create', { env_name: huge, split: 'train', index: 0 }],
    ['/create', { task_spec: [huge], [huge]: 1 }],
  ] as [string, object][]) {
    const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-session-id': crypto.randomUUID() }, body: JSON.stringify(body) });
    const text = await res.text();
    assert.ok(res.status >= 400 && res.status < 500, `${path}: ${res.status}`);
    assert.ok(text.length < 5000, `${path}: ${text.length} bytes echoed`);
  }
  const call = await callTool(url, 'gsm8kenv', sid, huge, {});
  assert.ok(call.result && !call.result.ok && call.result.error.length < 500);
  // A deep X-Secrets header.
  const deepHeader = Buffer.from('{"a":'.repeat(2000) + '1' + '}'.repeat(2000)).toString('base64');
  const hdr = await fetch(`${url}/create`, { method: 'POST', headers: { ...h, 'x-session-id': crypto.randomUUID(), 'x-secrets': deepHeader }, body: JSON.stringify({ env_name: 'gsm8kenv', split: 'train', index: 0 }) });
  assert.equal(hdr.status, 400);
  // Still serving.
  assert.equal((await fetch(`${url}/health`)).status, 200);
  const ok = await callTool(url, 'gsm8kenv', sid, 'answer', { answer: '72' });
  assert.equal(ok.result.output.reward, 1);
});

test('tool-input errors and setup failures are bounded, one line, never a stack', async () => {
  const env = defineEnvironment({
    name: 'leaky',
    splits: [{ name: 'train', type: 'train' }],
    tasks: arrayTasks({ train: [{ id: 't0' }] }),
    tools: [defineTool({ name: 'strict', description: 'takes one field', input: Type.Object({ a: Type.String() }, { additionalProperties: false }), run: () => toolOutput({ text: 'ok' }) })],
    open: ({ task }) => {
      if (task.explode) throw new Error(`generation failed at /srv/secret/path\n    at simulate (/srv/genegym/src/x.ts:10:5)\n    at open (/srv/genegym/src/y.ts:2:1)`);
      return { state: {}, prompt: () => [] };
    },
  });
  const { url } = await start([env]);
  const boom = await create(url, { env_name: 'leaky', task_spec: { explode: true } });
  const prompt = await fetch(`${url}/leaky/prompt`, { headers: { 'x-session-id': boom.sid } });
  assert.equal(prompt.status, 500);
  const detail = ((await prompt.json()) as { detail: string }).detail;
  assert.match(detail, /^Error: generation failed/);
  assert.doesNotMatch(detail, /\n|\bat simulate\b/, 'no stack lines');

  const { sid } = await create(url, { env_name: 'leaky', split: 'train', index: 0 });
  const extra = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}${'z'.repeat(50)}`, i]));
  const r = await callTool(url, 'leaky', sid, 'strict', { a: 'x', ...extra });
  assert.equal(r.result?.ok, false);
  assert.match(r.result.error, /^Tool input validation error: .*\(and 9980 more\)$/s);
  assert.ok(r.result.error.length < 4000, `${r.result.error.length} characters`);
});

test('429 at capacity carries Retry-After', async () => {
  const { url } = await start([testEnvironment()], { maxSessions: 1 });
  assert.equal((await create(url, { env_name: 'gsm8kenv', split: 'train', index: 0 })).status, 200);
  const res = await fetch(`${url}/create`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-session-id': crypto.randomUUID() }, body: JSON.stringify({ env_name: 'gsm8kenv', split: 'train', index: 0 }) });
  assert.equal(res.status, 429);
  const retry = res.headers.get('retry-after');
  assert.ok(retry !== null && /^\d+$/.test(retry) && Number(retry) > 0, `Retry-After: ${retry}`);
});

const SPECIAL_V6: [string, string][] = [
  ['2002::/16 6to4 of 127.0.0.1', '2002:7f00:1::1'],
  ['2002::/16 6to4 of 10.0.0.1', '2002:a00:1::'],
  ['2002::/16 6to4 of 169.254.169.254', '2002:a9fe:a9fe::1'],
  ['64:ff9b:1::/48 local NAT64', '64:ff9b:1::a00:1'],
  ['64:ff9b:1::/48 local NAT64 of a public IPv4', '64:ff9b:1::808:808'],
  ['::ffff:0:0/96 IPv4-translated 127.0.0.1', '::ffff:0:7f00:1'],
  ['::ffff:0:0/96 IPv4-mapped 10.1.2.3', '::ffff:a01:203'],
  ['2001::/32 Teredo', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
  ['2001:2::/48 benchmarking', '2001:2::1'],
  ['100::/64 discard', '100::1'],
];

test('live fetch_url refuses every special IPv6 range (and keeps public ones)', async () => {
  const byHost: Record<string, string[]> = {};
  SPECIAL_V6.forEach(([, ip], i) => (byHost[`v6-${i}.example`] = [ip]));
  const env = createGenomeQaEnvironment({ assembly: standardFake(), trainSize: 5, testSize: 5, judge: null, liveFetch: true, resolver: async (h) => byHost[h] ?? [] });
  const { url } = await start([env]);
  const { sid } = await create(url, { env_name: 'genome-qa', split: 'train', index: 0 });
  for (const [i, [range, ip]] of SPECIAL_V6.entries()) {
    assert.equal(isBlockedAddress(ip), true, `${range} (${ip})`);
    await assert.rejects(vetUrl(new URL(`http://[${ip}]/`), async () => []), /refusing/, `literal ${ip}`);
    const r = await callTool(url, 'genome-qa', sid, 'fetch_url', { url: `http://v6-${i}.example/latest/meta-data` });
    assert.equal(r.result?.ok, false, `${range}: ${JSON.stringify(r)}`);
    assert.match(r.result.error, /refusing to fetch/, range);
  }
  for (const ip of ['2606:4700:4700::1111', '2001:4860:4860::8888', '2002:808:808::1', '64:ff9b::808:808', '2a00:1450::1']) {
    assert.equal(isBlockedAddress(ip), false, ip);
  }
});

test('a one-byte drip is cut by the total deadline of a live fetch', { timeout: 60_000 }, async () => {
  let dripping = 0;
  const timers = new Set<NodeJS.Timeout>();
  const drip = createServer((_req, res) => {
    dripping++;
    res.writeHead(200, { 'content-type': 'text/plain' });
    const t = setInterval(() => res.write('x'), 50); // well inside the 15 s idle timeout
    timers.add(t);
    res.on('close', () => {
      clearInterval(t);
      dripping--;
    });
  });
  await new Promise<void>((r) => drip.listen(0, '127.0.0.1', r));
  const dripPort = (drip.address() as AddressInfo).port;
  try {
    // The address policy is widened to loopback for this test only; the deadline is what is under test.
    const live = { deadlineMs: 400, isBlocked: (ip: string) => ip !== '127.0.0.1' && isBlockedAddress(ip) };
    await assert.rejects(liveFetch(`http://drip.example:${dripPort}/`, { ...live, resolve: async () => ['127.0.0.1'] }), /total time limit/);
    const env = createGenomeQaEnvironment({ assembly: standardFake(), trainSize: 5, testSize: 5, judge: null, liveFetch: true, resolver: async () => ['127.0.0.1'], live });
    const { url } = await start([env]);
    const { sid } = await create(url, { env_name: 'genome-qa', split: 'train', index: 0 });
    const r = await callTool(url, 'genome-qa', sid, 'fetch_url', { url: `http://drip.example:${dripPort}/slow` });
    assert.equal(r.result?.ok, false, JSON.stringify(r));
    assert.match(r.result.error, /total time limit/);
    while (dripping > 0) await new Promise((res) => setImmediate(res));
  } finally {
    for (const t of timers) clearInterval(t);
    drip.closeAllConnections();
    await new Promise<void>((r) => drip.close(() => r()));
  }
});

test('serve warns when --api-key is given on the command line (visible in ps)', { timeout: 120_000 }, async () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const child = spawn(process.execPath, [join(root, 'bin', 'genegym.js'), 'serve', '--port', '0', '--env', 'arithmetic', '--api-key', 'cli-visible-key'], {
    cwd: root,
    env: { ...process.env, GENEGYM_API_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        if (/serving arithmetic at/.test(stdout)) resolve();
      });
      child.once('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
    });
    assert.match(stderr, /warning: --api-key on the command line is visible/);
    assert.match(stderr, /GENEGYM_API_KEY/);
    assert.doesNotMatch(stderr + stdout, /cli-visible-key/, 'the key itself is never printed');
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
  }
});
