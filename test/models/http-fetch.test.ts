// keepAliveFetch: the openai SDK's fetch. Buffered responses must behave like real ones for
// every way the SDK reads them (json, text, status, headers, null bodies, errors).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { keepAliveFetch } from '../../src/models/http-fetch.js';

async function withServer(fn: (url: string) => Promise<void>): Promise<void> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/echo') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'r1' });
        res.end(JSON.stringify({ method: req.method, body: Buffer.concat(chunks).toString('utf8'), auth: req.headers.authorization ?? null }));
      } else if (req.url === '/empty') res.writeHead(204).end();
      else if (req.url === '/utf8') res.writeHead(200, { 'content-type': 'text/plain' }).end('Δ ünïcode ✓');
      else res.writeHead(429, { 'retry-after': '2', 'content-type': 'application/json' }).end('{"error":{"message":"slow down"}}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

test('keepAliveFetch: JSON body, headers and request body round-trip', async () => {
  await withServer(async (url) => {
    const f = keepAliveFetch();
    const res = await f(`${url}/echo`, { method: 'POST', body: '{"x":1}', headers: { authorization: 'Bearer k' } });
    assert.ok(res instanceof Response);
    assert.equal(res.status, 200);
    assert.equal(res.ok, true);
    assert.equal(res.headers.get('x-request-id'), 'r1');
    assert.deepEqual(await res.json(), { method: 'POST', body: '{"x":1}', auth: 'Bearer k' });
  });
});

test('keepAliveFetch: 204 has an empty body; text is decoded as UTF-8; errors keep status and headers', async () => {
  await withServer(async (url) => {
    const f = keepAliveFetch();
    const empty = await f(`${url}/empty`);
    assert.equal(empty.status, 204);
    assert.equal(await empty.text(), '');
    assert.equal(await (await f(`${url}/utf8`)).text(), 'Δ ünïcode ✓');
    const limited = await f(`${url}/other`);
    assert.equal(limited.status, 429);
    assert.equal(limited.ok, false);
    assert.equal(limited.headers.get('retry-after'), '2');
    assert.deepEqual(await limited.json(), { error: { message: 'slow down' } });
    const bytes = new Uint8Array(await (await f(`${url}/utf8`)).arrayBuffer());
    assert.equal(Buffer.from(bytes).toString('utf8'), 'Δ ünïcode ✓');
  });
});

test('keepAliveFetch: refuses unsupported protocols and stream bodies clearly', async () => {
  const f = keepAliveFetch();
  await assert.rejects(f('ftp://example.invalid/x'), /unsupported protocol ftp:/);
  await assert.rejects(f('http://127.0.0.1:9/x', { method: 'POST', body: new Blob(['x']) }), /string or byte bodies only/);
});
