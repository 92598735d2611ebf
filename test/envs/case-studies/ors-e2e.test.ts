// The case-studies environment over real ORS HTTP (our server + our client, loopback): an
// episode on the test-fixture case, and that closing the session removes its workspace.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { createCaseStudiesEnvironment } from '../../../src/envs/case-studies/env.js';
import { generate } from '../../../src/envs/case-studies/framework/generate.js';
import { OrsClient } from '../../../src/ors/client/index.js';
import { buildServer } from '../../../src/ors/server/index.js';
import { probeBwrap } from '../../../src/sandbox/index.js';
import { exampleLinear } from './fixtures/example-linear.js';

const probe = await probeBwrap();
if (!probe.ok) {
  if (process.env.CI === 'true') throw new Error(`bubblewrap must work under CI: ${probe.reason}`);
  console.warn(`SKIP case-studies ORS test: bubblewrap unavailable (${probe.reason})`);
}

let server: Awaited<ReturnType<typeof buildServer>>;
let baseUrl: string;
const workspaces: string[] = [];
before(async () => {
  const env = createCaseStudiesEnvironment({ cases: [exampleLinear], sandbox: 'bwrap', perCase: { train: 10, test: 2 } });
  const open = env.open.bind(env);
  env.open = async (ctx) => {
    const ep = await open(ctx);
    workspaces.push(ep.state.sandbox.workspace);
    return ep;
  };
  server = await buildServer({ environments: [env], logger: false });
  baseUrl = await server.listen({ port: 0, host: '127.0.0.1' });
});
after(() => server.close());

test('an ORS episode: discovery, prompt, run_python, submit_answer, close', { skip: probe.ok ? false : 'bubblewrap unavailable' }, async () => {
  const env = new OrsClient({ baseUrl, pingIntervalMs: 0 }).environment('case-studies');
  assert.deepEqual((await env.splits()).map((s) => s.name), ['train', 'test']);
  assert.deepEqual((await env.tools()).map((t) => t.name).sort(), ['list_files', 'read_file', 'run_bash', 'run_python', 'submit_answer']);
  assert.equal(await env.numTasks('train'), 10);
  const spec = await env.task('train', 2);
  assert.deepEqual(spec, { id: 'example-linear/train/2', case: 'example-linear', seed: 2, split: 'train', index: 2 });
  const session = await env.session({ split: 'train', index: 2 });
  try {
    const prompt = (await session.prompt()).map((b) => (b.type === 'text' ? b.text : '')).join('');
    assert.match(prompt, /submit_answer/);
    const run = await session.call('run_bash', { command: 'ls data' });
    assert.ok(run.ok);
    assert.match(run.output.blocks[0].type === 'text' ? run.output.blocks[0].text : '', /xy\.tsv\.gz/);
    const bad = await session.call('read_file', { path: '/etc/shadow' });
    assert.equal(bad.ok, false);
    const served = await generate(exampleLinear, 2);
    const ref = exampleLinear.reference(new Map(served.files.map((f) => [f.path, f.data]))) as Record<string, number>;
    const sub = await session.call('submit_answer', { response: JSON.stringify({ answer: ref, reasoning: 'dropped -999 missing rows; OLS' }) });
    assert.ok(sub.ok);
    assert.equal(sub.output.reward, 1);
    assert.equal(sub.output.finished, true);
  } finally {
    await session.close();
  }
  assert.equal(workspaces.length, 1);
  // teardown removed the workspace
  for (let i = 0; i < 50 && existsSync(workspaces[0]); i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(existsSync(workspaces[0]), false);
});
