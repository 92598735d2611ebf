import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CalibrationError, generate } from '../../../../src/envs/case-studies/framework/generate.js';
import { InstanceCache } from '../../../../src/envs/case-studies/framework/instance-cache.js';
import { GenerationPool, GenerationQueueFullError } from '../../../../src/envs/case-studies/framework/pool.js';
import { caseStudies } from '../fixtures/registry.js';

const registry = new URL('../fixtures/registry.ts', import.meta.url).href;
const [acceptCase, neverCase, legacyCase] = caseStudies;

test('pool: instances generated on a worker thread equal in-process ones; rejections and errors come back', async () => {
  const pool = new GenerationPool({ size: 2, registry });
  try {
    for (const cs of [acceptCase, legacyCase]) {
      const [viaPool, local] = await Promise.all([pool.generate(cs.id, 3), generate(cs, 3)]);
      assert.notEqual(viaPool.meta.threadId, 0, 'simulated on a worker');
      assert.equal(local.meta.threadId, 0);
      assert.deepEqual({ ...viaPool, meta: {} }, { ...local, meta: {} });
      assert.ok(viaPool.files.every((f) => f.data instanceof Uint8Array && f.data.byteLength > 0));
    }
    const served = await pool.generate(acceptCase.id, 5);
    assert.equal(served.subSeed, 1);
    assert.deepEqual(served.rejections, [{ subSeed: 0, reason: 'sub-seed 0 is rejected by design' }]);
    await assert.rejects(pool.generate(neverCase.id, 1, { maxAttempts: 3 }), (err: unknown) => err instanceof CalibrationError && err.rejections.length === 3);
    await assert.rejects(pool.generate('no-such-case', 1), /unknown case no-such-case/);
    await assert.rejects(pool.generate(acceptCase.id, -1), RangeError);
  } finally {
    await pool.close();
  }
});

test('pool: a bounded queue refuses work at once when full; close rejects what waits', async () => {
  const pool = new GenerationPool({ size: 1, maxQueue: 1, registry });
  const running = pool.generate(acceptCase.id, 1);
  const waiting = pool.generate(acceptCase.id, 2);
  assert.equal(pool.running, 1);
  assert.equal(pool.queued, 1);
  await assert.rejects(pool.generate(acceptCase.id, 3), GenerationQueueFullError);
  assert.equal((await running).seed, 1);
  assert.equal((await waiting).seed, 2);
  const late = assert.rejects(pool.generate(acceptCase.id, 4), /closed/);
  const later = assert.rejects(pool.generate(acceptCase.id, 5), /closed/);
  await pool.close();
  await Promise.all([late, later]);
  await assert.rejects(pool.generate(acceptCase.id, 6), /closed/);
});

test('instance cache: registered cases on the pool, other case objects and workers: 0 in-process', async () => {
  const pool = new GenerationPool({ size: 1, registry });
  try {
    const cache = new InstanceCache({ workers: pool });
    assert.notEqual((await cache.get(acceptCase, 7)).meta.threadId, 0);
    assert.equal(await cache.get(acceptCase, 7), await cache.get(acceptCase, 7), 'cached');
    const copy = { ...acceptCase }; // not the registered object: a worker could not rebuild it
    assert.equal((await new InstanceCache({ workers: pool }).get(copy, 7)).meta.threadId, 0);
    assert.equal((await new InstanceCache({ workers: 0 }).get(acceptCase, 7)).meta.threadId, 0);
  } finally {
    await pool.close();
  }
});

test('pool: warm() starts every worker and resolves once they have loaded the registry', async () => {
  const pool = new GenerationPool({ size: 2, registry });
  try {
    await pool.warm();
    assert.equal(pool.running, 0);
    assert.equal((await pool.generate(acceptCase.id, 8)).seed, 8);
  } finally {
    await pool.close();
  }
});

test('pool: a registry that cannot load fails each job with its reason instead of hanging', async () => {
  const pool = new GenerationPool({ size: 1, registry: new URL('../fixtures/no-such-registry.ts', import.meta.url).href });
  try {
    await pool.warm();
    await assert.rejects(pool.generate('example-accept', 1), /no-such-registry/);
    await assert.rejects(pool.generate('example-accept', 2), /no-such-registry/);
  } finally {
    await pool.close();
  }
});

test('environment: a full generation queue refuses an open with a clear error, and a later open works', async () => {
  const { createCaseStudiesEnvironment } = await import('../../../../src/envs/case-studies/env.js');
  const { probeBwrap } = await import('../../../../src/sandbox/index.js');
  const sandbox = (await probeBwrap()).ok ? 'bwrap' : 'none';
  const pool = new GenerationPool({ size: 1, maxQueue: 0, registry });
  const env = createCaseStudiesEnvironment({ cases: [acceptCase], sandbox, perCase: { train: 5, test: 1 }, workers: pool });
  const signal = new AbortController().signal;
  const open = async (i: number) => env.open({ task: await env.tasks.get('train', i), secrets: {}, sessionId: `q${i}`, signal });
  try {
    const results = await Promise.allSettled([open(0), open(1)]);
    assert.equal(results[0].status, 'fulfilled');
    assert.equal(results[1].status, 'rejected');
    assert.ok((results[1] as PromiseRejectedResult).reason instanceof GenerationQueueFullError);
    assert.match(String((results[1] as PromiseRejectedResult).reason), /at capacity .* retry shortly/);
    const again = await open(1); // the refusal was not cached
    await again.close?.();
    await (results[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof open>>>).value.close?.();
  } finally {
    await pool.close();
  }
});
