// Attack: open case-study sessions whose instances take long to simulate, so the server's event
// loop stalls and every other session's traffic (pings, tool calls) waits. Generation must run
// off the event loop: here a case holds its generation thread until the test releases it, and
// the server must answer /ping, /health and another session's tool call meanwhile. No timing is
// measured (the latency goal is `npm run bench:ors-gen`): were the generation on the main thread,
// nothing would answer until the case gave up, and its session would fail.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createCaseStudiesEnvironment } from '../../src/envs/case-studies/env.js';
import { GenerationPool } from '../../src/envs/case-studies/framework/pool.js';
import { arithmeticEnvironment } from '../../src/envs/example/arithmetic.js';
import { callTool, create, serve } from './ors-helpers.js';
import { blockingCase } from './fixtures/blocking-registry.js';

test('while case instances are being generated the server keeps answering: /ping, /health, other sessions\' tool calls', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'genegym-release-'));
  process.env.GENEGYM_TEST_RELEASE_DIR = dir; // before the workers start: they copy the environment
  const pool = new GenerationPool({ size: 2, registry: new URL('./fixtures/blocking-registry.ts', import.meta.url).href });
  const env = createCaseStudiesEnvironment({ cases: [blockingCase], sandbox: 'none', perCase: { train: 4, test: 1 }, workers: pool });
  const warn = console.warn;
  console.warn = () => {}; // the --sandbox=none warning
  const { server, url } = await serve([env, arithmeticEnvironment()]).finally(() => (console.warn = warn));
  try {
    // two sessions whose instances are held mid-generation (both workers busy)
    const held = await Promise.all([0, 1].map((index) => create(url, { env_name: 'case-studies', split: 'train', index })));
    for (const h of held) assert.equal(h.status, 200, JSON.stringify(h.body));
    const prompts = held.map((h) => fetch(`${url}/case-studies/prompt`, { headers: { 'x-session-id': h.sid } }));
    const seeds = await Promise.all([0, 1].map(async (i) => (await env.tasks.get('train', i)).seed as number));
    for (let i = 0; i < 2000 && !seeds.every((s) => existsSync(join(dir, `started-${s}`))); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(seeds.every((s) => existsSync(join(dir, `started-${s}`))), 'both generations are under way');

    // meanwhile: the held sessions' pings, health, and a whole episode of another environment
    for (const h of held) assert.equal((await fetch(`${url}/ping`, { method: 'POST', headers: { 'x-session-id': h.sid, 'content-type': 'application/json' }, body: '{}' })).status, 200);
    assert.equal((await fetch(`${url}/health`)).status, 200);
    const other = await create(url, { env_name: 'arithmetic', split: 'train', index: 0 });
    assert.equal(other.status, 200);
    assert.equal((await fetch(`${url}/arithmetic/prompt`, { headers: { 'x-session-id': other.sid } })).status, 200);
    const answer = await callTool(url, 'arithmetic', other.sid, 'answer', { answer: '0' });
    assert.equal(answer.result?.ok, true, JSON.stringify(answer));
    assert.ok(!seeds.some((s) => existsSync(join(dir, `release-${s}`))), 'all of that happened while both generations were still held');

    // released: the held sessions get their prompts
    for (const s of seeds) await writeFile(join(dir, `release-${s}`), '');
    for (const p of prompts) {
      const res = await p;
      assert.equal(res.status, 200, await res.text());
    }
  } finally {
    await server.close();
    await pool.close();
    delete process.env.GENEGYM_TEST_RELEASE_DIR;
    await rm(dir, { recursive: true, force: true });
  }
});
