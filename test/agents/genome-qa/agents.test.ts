// Solvability and scorer sanity: the tool-only solver and the oracle score 100%, the
// wrong-answer agent 0%, on the in-memory fake (every index of a 300-task split) and on a
// sample of the real demo assembly. No tool output or spec carries a precomputed answer.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runOracle, runToolSolver, runWrongAnswer, type InProcessEpisode } from '../../../src/agents/genome-qa/index.js';
import { createGenomeQaEnvironment } from '../../../src/envs/genome-qa/environment.js';
import { openAssembly } from '../../../src/genome/assembly.js';
import { ensureDemoAssembly } from '../../../src/genome/demo/index.js';
import { DOMAINS } from '../../../src/envs/genome-qa/types.js';
import { standardFake } from '../../envs/genome-qa/fake-assembly.js';
import { assertNoLeak } from './leak.js';

const tmp = mkdtempSync(join(tmpdir(), 'genegym-gqa-agents-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('fake assembly: tool-only solver 100% with no leaks; oracle 100%; wrong-answer 0%', async () => {
  const env = createGenomeQaEnvironment({ assembly: standardFake(), trainSize: 120, testSize: 40 });
  for (const [split, n] of [['train', 120], ['test', 40]] as const) {
    for (let i = 0; i < n; i++) {
      let episode: InProcessEpisode | undefined;
      const r = await runToolSolver(env, split, i, (ep) => (episode = ep));
      assert.equal(r.reward, 1, `${split}[${i}] ${r.domain}: ${r.verdict} ${r.error ?? ''} ${JSON.stringify(r.submitted)}`);
      await assertNoLeak(env, split, i, episode!);
    }
  }
  let oracle = 0;
  let wrong = 0;
  for (let i = 0; i < 40; i++) {
    oracle += (await runOracle(env, 'train', i)).reward;
    wrong += (await runWrongAnswer(env, 'test', i)).reward;
  }
  assert.equal(oracle, 40);
  assert.equal(wrong, 0);
});

test('demo assembly: all 10 domains; solver, oracle 100% and wrong-answer 0% on a sample of both splits', async () => {
  const asm = await openAssembly(await ensureDemoAssembly({ home: tmp }));
  try {
    const env = createGenomeQaEnvironment({ assembly: asm });
    assert.equal(await env.tasks.count('train'), 1000);
    assert.deepEqual((await env.generator.domainsFor('train')).map((d) => d.domain.name), [...DOMAINS]);
    for (const split of ['train', 'test']) {
      for (let i = 0; i < 30; i++) {
        let episode: InProcessEpisode | undefined;
        const r = await runToolSolver(env, split, i, (ep) => (episode = ep));
        assert.equal(r.reward, 1, `${split}[${i}] ${r.domain}: ${r.verdict} ${r.error ?? ''}`);
        await assertNoLeak(env, split, i, episode!);
        assert.equal((await runOracle(env, split, i)).reward, 1);
        assert.equal((await runWrongAnswer(env, split, i)).reward, 0);
      }
    }
  } finally {
    await asm.close();
  }
});
