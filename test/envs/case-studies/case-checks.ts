// Shared checks for the case-study tests: on served test instances the reference passes, every
// realistic mistake and the best constant fail (graded as submit_answer grades); byte
// reproducibility, truth kept out of the files, and strict answer schemas.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { testSeeds, trainConstant } from '../../../src/envs/case-studies/framework/baselines.js';
import { DEFAULT_MAX_ATTEMPTS, filesMap, generate, simulateInstance } from '../../../src/envs/case-studies/framework/generate.js';
import { gradeAnalysis, gradeFixed, type Verdict } from '../../../src/envs/case-studies/framework/measure.js';
import { isGzip, gunzip } from '../../../src/envs/case-studies/framework/gzip.js';
import { unzipSync } from 'fflate';
import type { CaseStudy, Truth } from '../../../src/envs/case-studies/types.js';
import { answerToWire, fieldLabels } from '../../../src/grading/json-answer.js';

const within = (x: number, [lo, hi]: [number, number]) => Number.isFinite(x) && x >= lo && x <= hi;

/**
 * The legacy serving rule checked independently: the first sub-seed where the reference passes
 * every field and every naive analysis misses at least one. Fails if no sub-seed within the
 * framework's attempt budget qualifies. (standardCaseTests uses checkTrapMatrix instead.)
 */
export async function checkServed(cs: CaseStudy, seed: number): Promise<number> {
  const problems: string[] = [];
  for (let subSeed = 0; subSeed < DEFAULT_MAX_ATTEMPTS; subSeed++) {
    const inst = simulateInstance(cs, seed, subSeed);
    const files = filesMap(inst);
    const ref = await cs.reference(files);
    assert.equal(Object.keys(ref).sort().join(','), Object.keys(cs.answerSchema.properties).sort().join(','));
    assert.ok(Value.Check(cs.answerSchema, answerToWire(cs.answerSchema, ref)), `${cs.id}: reference answer does not match its schema`);
    const refMiss = Object.entries(inst.bounds).filter(([k, b]) => !within(ref[k], b)).map(([k]) => `${k}=${ref[k]} (truth ${inst.truth[k]})`);
    const lucky: string[] = [];
    for (const n of cs.naive) {
      const a = await n.analyse(files);
      if (Object.entries(inst.bounds).every(([k, b]) => within(a[k], b))) lucky.push(n.name);
    }
    if (refMiss.length === 0 && lucky.length === 0) return subSeed;
    problems.push(`sub-seed ${subSeed}: ${refMiss.length ? `reference misses ${refMiss.join(', ')}` : `naive passes: ${lucky.join(', ')}`}`);
  }
  assert.fail(`${cs.id} seed ${seed}: no servable sub-seed:\n${problems.join('\n')}`);
}

/** Train seeds whose truths give the CI's best-constant baseline (computed once per file; see baselineTruths). */
export const CI_CONSTANT_TRAIN_SEEDS = 24;

/** The test-split seeds the CI checks (and the built-in agent test's test index 0) use. */
export const CI_TEST_SEEDS = testSeeds(5);

const describe = (v: Verdict, bounds: Record<string, [number, number]>) =>
  v.error !== undefined
    ? `threw: ${v.error}`
    : `failed ${v.failed.join(', ') || '(none)'}; answer ${JSON.stringify(v.answer)}; bounds ${JSON.stringify(Object.fromEntries(v.failed.filter((k) => k in bounds).map((k) => [k, bounds[k]])))}`;

/**
 * The trap-matrix check on the served instance of `seed` (whatever the case's serving rule),
 * graded through the same path as submit_answer: the reference passes, every realistic mistake
 * (`naive`) fails, and the best constant (per-field median/mode of the truths of the first
 * CI_CONSTANT_TRAIN_SEEDS train instances) fails.
 */
export async function checkTrapMatrix(cs: CaseStudy, seed: number, opts: { constantTrainSeeds?: number; only?: 'reference' | 'guards' } = {}): Promise<void> {
  const inst = await generate(cs, seed);
  const where = `${cs.id} seed ${seed} (sub-seed ${inst.subSeed}, ${inst.rule} rule)`;
  if (opts.only !== 'guards') {
    const ref = await gradeAnalysis(cs, inst, cs.reference);
    assert.ok(ref.answer === null || Value.Check(cs.answerSchema, answerToWire(cs.answerSchema, ref.answer)), `${where}: reference answer does not match its schema`);
    assert.ok(ref.pass, `${where}: reference ${describe(ref, inst.bounds)}`);
  }
  if (opts.only === 'reference') return;
  const lucky: string[] = [];
  for (const m of cs.naive) {
    const v = await gradeAnalysis(cs, inst, m.analyse);
    if (v.pass) lucky.push(`${m.name} (${m.trap}) passes with ${JSON.stringify(v.answer)}`);
  }
  assert.deepEqual(lucky, [], `${where}: realistic mistakes that pass:\n${lucky.join('\n')}`);
  const constant = await trainConstant(cs, opts.constantTrainSeeds ?? CI_CONSTANT_TRAIN_SEEDS);
  const c = gradeFixed(cs, inst.bounds, constant);
  assert.ok(!c.pass, `${where}: the best constant ${JSON.stringify(constant)} passes`);
}

/** Same (seed, subSeed) → identical bytes and truth; different seeds → different files. */
export function checkReproducible(cs: CaseStudy, seed: number, constantPaths: string[] = []): void {
  const a = cs.simulate(seed, 0);
  const b = cs.simulate(seed, 0);
  const c = cs.simulate(seed + 1, 0);
  assert.deepEqual(a.files.map((f) => f.path), b.files.map((f) => f.path));
  a.files.forEach((f, i) => assert.ok(Buffer.from(f.data).equals(Buffer.from(b.files[i].data)), `${cs.id}: ${f.path} differs between runs`));
  assert.deepEqual(a.truth, b.truth);
  // Reference tables (e.g. a star-allele definition table) are the same for every seed by design.
  const same = a.files.filter((f, i) => Buffer.from(f.data).equals(Buffer.from(c.files[i].data))).map((f) => f.path);
  assert.deepEqual(same, constantPaths, `${cs.id}: files identical across seeds`);
}

/** Every readable form of a file: decompressed text, zip members, raw bytes. */
function contents(path: string, data: Uint8Array): Uint8Array[] {
  if (isGzip(data)) return [gunzip(data)];
  if (path.endsWith('.npz')) return Object.values(unzipSync(data));
  return [data];
}

/** The truth values never appear in the files, as text (plausible formats) or as raw float64. */
export function checkTruthHidden(cs: CaseStudy, files: { path: string; data: Uint8Array }[], truth: Truth): void {
  const needles: { label: string; bytes: Buffer }[] = [];
  for (const [k, v] of Object.entries(truth)) {
    if (Number.isInteger(v)) continue; // codes are 0/1 and appear everywhere by chance
    for (const s of new Set([String(v), v.toPrecision(12), v.toFixed(6), v.toPrecision(7)])) needles.push({ label: `${k} as ${s}`, bytes: Buffer.from(s) });
    const f = Buffer.alloc(8);
    f.writeDoubleLE(v);
    needles.push({ label: `${k} as float64`, bytes: f });
  }
  for (const file of files)
    for (const body of contents(file.path, file.data)) {
      const buf = Buffer.from(body);
      for (const n of needles) assert.equal(buf.indexOf(n.bytes), -1, `${cs.id}: ${file.path} contains truth ${n.label}`);
    }
}

/** The schema rejects wrong types, missing and extra keys, and accepts a well-typed answer. */
export function checkSchema(cs: CaseStudy, goodCodes: Record<string, number>): void {
  const schema = cs.answerSchema;
  // label fields are written as their label (code → label), everything else as numbers
  const good = answerToWire(schema, goodCodes);
  assert.ok(Value.Check(schema, good), 'well-typed answer rejected');
  const keys = Object.keys(schema.properties);
  for (const k of keys) {
    if (fieldLabels(schema.properties[k])) {
      assert.ok(!Value.Check(schema, { ...good, [k]: goodCodes[k] }), `${k} as a number accepted`);
      assert.ok(!Value.Check(schema, { ...good, [k]: `${good[k]}x` }), `${k} accepted an unknown label`);
    } else assert.ok(!Value.Check(schema, { ...good, [k]: String(good[k]) }), `${k} as a string accepted`);
    const { [k]: _drop, ...rest } = good;
    assert.ok(!Value.Check(schema, rest), `missing ${k} accepted`);
    if ((schema.properties[k] as { type?: string }).type === 'integer') assert.ok(!Value.Check(schema, { ...good, [k]: 0.5 }), `${k} accepted a float`);
  }
  assert.ok(!Value.Check(schema, { ...good, extra: 1 }), 'extra key accepted');
}

/** Rubric: unique ids, 1–3 point weights, one 3-point framing item, regex pre-checks that compile. */
export function checkRubric(cs: CaseStudy): void {
  const ids = cs.rubric.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'duplicate rubric ids');
  assert.ok(cs.rubric.length >= 6, 'fewer than 6 rubric items');
  assert.equal(cs.rubric.filter((r) => r.weight === 3).length, 1, 'expected exactly one 3-point framing item');
  for (const r of cs.rubric) {
    assert.ok(r.weight >= 1 && r.weight <= 3, `${r.id}: weight ${r.weight}`);
    for (const p of r.patterns ?? []) assert.doesNotThrow(() => new RegExp(p, 'i'), `${r.id}: bad pattern ${p}`);
  }
}

/**
 * The tests every case file starts with: the trap-matrix check on the served instances of test
 * seeds 0–4 (reference passes, every realistic mistake fails, the best constant fails), byte
 * reproducibility, and no truth in the files of two seeds. `constantPaths` lists reference tables
 * that are the same for every seed by design.
 */
export function standardCaseTests(
  cs: CaseStudy,
  opts: {
    constantPaths?: string[];
    constantTrainSeeds?: number;
    /**
     * A case whose trap matrix and baselines are not reworked yet names its open gap (and the
     * issue): its reference must still pass, while the mistake/constant guards run as a TODO that
     * reports every failure without failing CI. Remove it once the case is reworked.
     */
    openGap?: string;
  } = {},
): void {
  for (const seed of CI_TEST_SEEDS) {
    if (opts.openGap) {
      test(`${cs.id} test seed ${seed}: reference passes`, async () => {
        await checkTrapMatrix(cs, seed, { ...opts, only: 'reference' });
      });
      test(`${cs.id} test seed ${seed}: every realistic mistake fails, the best constant fails`, { todo: opts.openGap }, async () => {
        await checkTrapMatrix(cs, seed, { ...opts, only: 'guards' });
      });
      continue;
    }
    test(`${cs.id} test seed ${seed}: reference passes, every realistic mistake fails, the best constant fails`, async () => {
      await checkTrapMatrix(cs, seed, opts);
    });
  }
  test(`${cs.id}: files are byte-reproducible per seed and differ across seeds`, () => {
    checkReproducible(cs, 7, opts.constantPaths);
  });
  test(`${cs.id}: truth values never appear in the files`, () => {
    for (const seed of [0, 1]) {
      const inst = cs.simulate(seed, 0);
      checkTruthHidden(cs, inst.files, inst.truth);
    }
  });
}
