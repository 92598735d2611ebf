// The generated HAProxy configuration: what affinity, health checks and SSE need, accepted by
// haproxy itself (`haproxy -c`), and clear errors for bad backends.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { haproxyConfig, parseBackend, parseBackendsFile } from '../../src/deploy/haproxy-config.js';
import { buildProgram } from '../../src/cli/main.js';

const haproxyFound = spawnSync('haproxy', ['-v']).status === 0;
if (!haproxyFound && process.env.CI === 'true') throw new Error('haproxy is missing under CI=true: .ci/run must apt-get install haproxy');

test('the configuration hashes X-Session-ID consistently, checks /health and keeps SSE streams open', () => {
  const cfg = haproxyConfig({ bind: { host: '0.0.0.0', port: 8080 }, backends: [parseBackend('10.0.0.5:8080'), parseBackend('node-b.local:9000'), parseBackend('[::1]:8081')] });
  assert.match(cfg, /^\s+balance hdr\(X-Session-ID\)$/m);
  assert.match(cfg, /^\s+hash-type consistent$/m);
  assert.match(cfg, /^\s+option httpchk GET \/health$/m);
  assert.match(cfg, /^\s+timeout tunnel \S+$/m);
  assert.match(cfg, /^\s+bind 0\.0\.0\.0:8080$/m);
  assert.match(cfg, /^\s+server r1 10\.0\.0\.5:8080$/m);
  assert.match(cfg, /^\s+server r2 node-b\.local:9000$/m);
  assert.match(cfg, /^\s+server r3 \[::1\]:8081$/m);
  assert.doesNotMatch(cfg, /compression|http-buffer-request/);
});

test('haproxy -c accepts the configuration', { skip: haproxyFound ? false : 'SKIPPED: haproxy not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'gg-haproxy-'));
  try {
    const file = join(dir, 'h.cfg');
    writeFileSync(file, haproxyConfig({ bind: { host: '127.0.0.1', port: 18080 }, backends: [parseBackend('127.0.0.1:18081'), parseBackend('127.0.0.1:18082')] }));
    const r = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad backends are refused with a clear error; a backends file takes comments', () => {
  assert.throws(() => parseBackend('localhost'), /backend must be host:port \(got "localhost"\)/);
  assert.throws(() => parseBackend('h:70000'), /host:port/);
  assert.throws(() => parseBackend('h:8080; evil'), /host:port/);
  assert.deepEqual(parseBackendsFile('# replicas\n10.0.0.1:8080\n\n10.0.0.2:8080  # second\n'), [
    { host: '10.0.0.1', port: 8080 },
    { host: '10.0.0.2', port: 8080 },
  ]);
  assert.throws(() => haproxyConfig({ bind: { host: '127.0.0.1', port: 1 }, backends: [] }), /at least one backend/);
  assert.throws(() => haproxyConfig({ bind: { host: '127.0.0.1', port: 1 }, backends: [parseBackend('a:1'), parseBackend('a:1')] }), /listed twice/);
});

test('genegym haproxy-config writes the configuration for the listed backends', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gg-haproxy-'));
  try {
    const list = join(dir, 'backends.txt');
    writeFileSync(list, '10.0.0.3:8080\n');
    const out = join(dir, 'h.cfg');
    await buildProgram().parseAsync(['node', 'genegym', 'haproxy-config', '--backend', '10.0.0.1:8080,10.0.0.2:8080', '--backends-file', list, '--bind', '0.0.0.0:80', '-o', out]);
    const cfg = (await import('node:fs')).readFileSync(out, 'utf8');
    assert.deepEqual(cfg.match(/^\s+server \S+ \S+$/gm)!.map((l) => l.trim()), ['server r1 10.0.0.1:8080', 'server r2 10.0.0.2:8080', 'server r3 10.0.0.3:8080']);
    assert.match(cfg, /bind 0\.0\.0\.0:80/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
