import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../../src/envs/case-studies/framework/prng.js';

test('xoshiro128** core matches the reference C implementation from state {1,2,3,4}', () => {
  const r = Rng.fromState([1, 2, 3, 4]);
  const got = Array.from({ length: 6 }, () => r.nextU32());
  assert.deepEqual(got, [11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
});

test('same labels give the same stream; different labels differ', () => {
  const a = Rng.from('case', 3, 0);
  const b = Rng.from('case', 3, 0);
  const c = Rng.from('case', 3, 1);
  const xa = Array.from({ length: 5 }, () => a.nextU32());
  assert.deepEqual(xa, Array.from({ length: 5 }, () => b.nextU32()));
  assert.notDeepEqual(xa, Array.from({ length: 5 }, () => c.nextU32()));
  // label parts are not concatenated ambiguously
  assert.notEqual(Rng.from('ab', 'c').key, Rng.from('a', 'bc').key);
  assert.notEqual(Rng.from(1).key, Rng.from('#1', '').key);
});

test('split depends on the parent key, not on how many draws the parent made', () => {
  const p1 = Rng.from('x', 1);
  const p2 = Rng.from('x', 1);
  for (let i = 0; i < 100; i++) p2.uniform();
  assert.equal(p1.split('noise').uniform(), p2.split('noise').uniform());
  assert.notEqual(p1.split('noise').uniform(), p1.split('signal').uniform());
  assert.equal(p1.split('a', 'b').key, p1.split('a').split('b').key);
});

test('snapshot: first draws of a named stream are pinned', () => {
  const r = Rng.from('genegym', 0);
  const snap = [r.uniform(), r.below(1000), r.integer(-5, 5)];
  // Pinned so that a change to seeding or the generator (which would change every served
  // instance) is caught; update only together with a generator version bump.
  assert.deepEqual(snap, SNAPSHOT);
});
const SNAPSHOT: unknown[] = [0.2395958665264516, 96, 0];

test('uniform is in [0,1) with mean ~1/2 and below() is unbiased over small n', () => {
  const r = Rng.from('u');
  let s = 0;
  const n = 200_000;
  const counts = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    s += u;
    counts[r.below(3)]++;
  }
  assert.ok(Math.abs(s / n - 0.5) < 0.005);
  for (const c of counts) assert.ok(Math.abs(c / n - 1 / 3) < 0.006, `below(3) frequency ${c / n}`);
});

test('below/integer validate arguments; shuffle and sampleIndices give permutations', () => {
  const r = Rng.from('perm');
  assert.throws(() => r.below(0));
  assert.throws(() => r.integer(3, 2));
  assert.throws(() => r.pick([]));
  const p = r.permutation(50);
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  const s = r.sampleIndices(100, 10);
  assert.equal(new Set(s).size, 10);
  assert.ok(s.every((i) => i >= 0 && i < 100));
  const big = r.below(2 ** 40);
  assert.ok(Number.isInteger(big) && big >= 0 && big < 2 ** 40);
});
