import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findBuiltinAgent } from '../../src/agents/builtin.js';
import { InProcessDriver } from '../../src/agents/in-process.js';
import { runEpisode } from '../../src/agents/loop.js';
import { defineCallbackAgent } from '../../src/agents/types.js';
import { arithmeticEnvironment } from '../../src/envs/example/arithmetic.js';
import { findEnvironment } from '../../src/envs/registry.js';
import { classifyEpisode } from '../../src/runs/outcome.js';
import type { EnvDriver } from '../../src/agents/target.js';
import type { Agent } from '../../src/agents/types.js';

async function play(agent: Agent, driver: EnvDriver, index: number, maxTurns = 500) {
  const task = await driver.task('test', index);
  const r = await runEpisode({ agent, driver, task, ctx: { env: driver.env, split: 'test', taskIndex: index, taskId: String(task.id), epoch: 1, seed: 0 }, limits: { maxTurns } });
  return { r, c: classifyEpisode(r, 1) };
}

test('a callback agent: each call goes through the loop and is recorded; its exceptions are agent errors', async () => {
  const driver = new InProcessDriver(arithmeticEnvironment());
  const agent = defineCallbackAgent({
    name: 'cb',
    envs: ['arithmetic'],
    description: 'test',
    run: async (_ctx, call) => {
      const bad = await call('calculator', { expression: '2 +' });
      assert.equal(bad.ok, false);
      const ok = await call('calculator', { expression: '6 * 7' });
      assert.ok(ok.ok && ok.output.blocks[0].type === 'text' && ok.output.blocks[0].text === '42');
      await call('answer', { answer: -1 });
    },
  });
  const { r, c } = await play(agent, driver, 0);
  assert.equal(r.toolCalls, 3);
  assert.equal(r.endReason, 'finished');
  assert.equal(c.outcome, 'wrong');
  const failing = defineCallbackAgent({ name: 'boom', envs: ['arithmetic'], description: 'test', run: async () => { throw new Error('solver bug'); } });
  const f = await play(failing, driver, 1);
  assert.equal(f.r.endReason, 'agent_error');
  assert.equal(f.c.outcome, 'error');
  assert.match(f.r.error ?? '', /solver bug/);
});

test('genome-qa built-in agents through the shared loop: oracle 100%, wrong 0%, solver uses only env tools', async () => {
  const entry = findEnvironment('genome-qa');
  assert.ok(entry, 'genome-qa is in the environment registry');
  const home = await mkdtemp(join(tmpdir(), 'gg-builtin-'));
  try {
    const driver = new InProcessDriver(await entry.load({ home }));
    const oracle = await findBuiltinAgent('oracle', 'genome-qa');
    const wrong = await findBuiltinAgent('wrong', 'genome-qa');
    const solver = await findBuiltinAgent('solver', 'genome-qa');
    let solved = 0;
    for (let i = 0; i < 10; i++) {
      assert.equal((await play(oracle, driver, i)).c.outcome, 'correct', `oracle ${i}`);
      assert.equal((await play(wrong, driver, i)).c.outcome, 'wrong', `wrong ${i}`);
      const s = await play(solver, driver, i);
      assert.notEqual(s.c.outcome, 'error', s.r.error ?? '');
      assert.ok(s.r.toolCalls >= 2, 'the solver looks things up before submitting');
      if (s.c.outcome === 'correct') solved++;
    }
    assert.ok(solved >= 8, `solver solved ${solved}/10`);
    await driver.close();
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
