import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CalibrationError, generate, simulateInstance, splitOfSeed, splitSeed, validateInstance } from '../../../../src/envs/case-studies/framework/generate.js';
import { InstanceCache } from '../../../../src/envs/case-studies/framework/instance-cache.js';
import type { CaseStudy } from '../../../../src/envs/case-studies/types.js';
import { exampleLinear } from '../fixtures/example-linear.js';

test('a served instance: reference passes every field, each naive fails one; bytes reproducible', async () => {
  for (const seed of [0, 1, 2]) {
    const inst = await generate(exampleLinear, seed);
    const v = await validateInstance(exampleLinear, inst);
    assert.equal(v.accepted, true, v.reason);
    assert.ok(v.reference.passedAll);
    for (const n of v.naive) assert.ok(n.failed.length > 0, `${n.name} should fail`);
    const again = await generate(exampleLinear, seed);
    assert.deepEqual(again.files, inst.files);
    assert.deepEqual(again.truth, inst.truth);
    assert.equal(inst.meta.calibrationAttempts, inst.attempts);
  }
  const a = simulateInstance(exampleLinear, 0, 0);
  const b = simulateInstance(exampleLinear, 0, 1);
  assert.notDeepEqual(a.files[0].data, b.files[0].data);
});

test('sub-seeds are re-drawn when a naive analysis gets lucky, and the attempts are recorded', async () => {
  // a naive analysis that happens to be right on sub-seed 0 only
  const lucky: CaseStudy = {
    ...exampleLinear,
    naive: [...exampleLinear.naive, { name: 'lucky_on_0', trap: 'test', analyse: async (f) => (readSub(f) === 0 ? exampleLinear.reference(f) : { slope: 99, n_used: 0 }) }],
  };
  const subOf = new Map<string, number>();
  const readSub = (f: ReadonlyMap<string, Uint8Array>) => subOf.get(Buffer.from(f.get('data/xy.tsv.gz')!).toString('base64'))!;
  for (const s of [0, 1, 2]) subOf.set(Buffer.from(simulateInstance(exampleLinear, 5, s).files[0].data).toString('base64'), s);
  const inst = await generate(lucky, 5);
  assert.equal(inst.subSeed, 1);
  assert.equal(inst.attempts, 2);
  assert.match(inst.rejections[0].reason, /naive analysis passes every field: lucky_on_0/);
});

test('a case whose reference always fails raises CalibrationError after the bounded attempts', async () => {
  const broken: CaseStudy = { ...exampleLinear, reference: () => ({ slope: 1e9, n_used: 190 }) };
  await assert.rejects(generate(broken, 3, { maxAttempts: 3 }), (err: unknown) => {
    assert.ok(err instanceof CalibrationError);
    assert.equal(err.rejections.length, 3);
    assert.match(err.rejections[0].reason, /reference misses slope/);
    return true;
  });
  const throwing: CaseStudy = { ...exampleLinear, reference: () => { throw new Error('parse failure'); } };
  await assert.rejects(generate(throwing, 3, { maxAttempts: 1 }), /reference analysis threw: parse failure/);
  await assert.rejects(generate(exampleLinear, -1), RangeError);
});

test('splits use disjoint seed ranges; the cache returns the same instance', async () => {
  assert.equal(splitSeed('train', 7), 7);
  assert.equal(splitOfSeed(splitSeed('test', 7)), 'test');
  assert.equal(splitOfSeed(splitSeed('train', 999_999_999)), 'train');
  assert.throws(() => splitSeed('train', -1), RangeError);
  const cache = new InstanceCache({ capacity: 2, workers: 0 });
  const a = await cache.get(exampleLinear, 1);
  assert.equal(await cache.get(exampleLinear, 1), a);
  await cache.get(exampleLinear, 2);
  await cache.get(exampleLinear, 3);
  assert.equal(cache.size, 2);
});
