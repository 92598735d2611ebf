// Shared checks for the case-study tests of cases 1–3: served instances (reference passes every
// field, every naive analysis misses one), byte reproducibility, truth kept out of the files, and
// strict answer schemas.

import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import { generate, filesMap } from '../../../src/envs/case-studies/framework/generate.js';
import { isGzip, gunzip } from '../../../src/envs/case-studies/framework/gzip.js';
import { unzipSync } from 'fflate';
import type { CaseStudy, Truth } from '../../../src/envs/case-studies/types.js';

const within = (x: number, [lo, hi]: [number, number]) => Number.isFinite(x) && x >= lo && x <= hi;

/** Served instance of a seed: checks the serving rule explicitly on the accepted sub-seed. */
export async function checkServed(cs: CaseStudy, seed: number): Promise<void> {
  const inst = await generate(cs, seed);
  const files = filesMap(inst);
  const ref = await cs.reference(files);
  for (const [k, b] of Object.entries(inst.bounds)) assert.ok(within(ref[k], b), `${cs.id} seed ${seed}: reference ${k}=${ref[k]} outside [${b}] (truth ${inst.truth[k]})`);
  for (const n of cs.naive) {
    const a = await n.analyse(files);
    const missed = Object.entries(inst.bounds).filter(([k, b]) => !within(a[k], b)).map(([k]) => k);
    assert.ok(missed.length > 0, `${cs.id} seed ${seed}: naive ${n.name} passes every field`);
  }
  assert.equal(Object.keys(ref).sort().join(','), Object.keys(cs.answerSchema.properties).sort().join(','));
  assert.ok(Value.Check(cs.answerSchema, ref), `${cs.id}: reference answer does not match its schema`);
}

/** Same (seed, subSeed) → identical bytes and truth; different seeds → different files. */
export function checkReproducible(cs: CaseStudy, seed: number): void {
  const a = cs.simulate(seed, 0);
  const b = cs.simulate(seed, 0);
  const c = cs.simulate(seed + 1, 0);
  assert.deepEqual(a.files.map((f) => f.path), b.files.map((f) => f.path));
  a.files.forEach((f, i) => assert.ok(Buffer.from(f.data).equals(Buffer.from(b.files[i].data)), `${cs.id}: ${f.path} differs between runs`));
  assert.deepEqual(a.truth, b.truth);
  const differs = a.files.filter((f, i) => !Buffer.from(f.data).equals(Buffer.from(c.files[i].data)));
  assert.equal(differs.length, a.files.length, `${cs.id}: some files identical across seeds`);
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
export function checkSchema(cs: CaseStudy, good: Record<string, number>): void {
  const schema = cs.answerSchema;
  assert.ok(Value.Check(schema, good), 'well-typed answer rejected');
  const keys = Object.keys(schema.properties);
  for (const k of keys) {
    assert.ok(!Value.Check(schema, { ...good, [k]: String(good[k]) }), `${k} as a string accepted`);
    const { [k]: _drop, ...rest } = good;
    assert.ok(!Value.Check(schema, rest), `missing ${k} accepted`);
    if ((schema.properties[k] as { type?: string }).type === 'integer') assert.ok(!Value.Check(schema, { ...good, [k]: 0.5 }), `${k} accepted a float`);
  }
  assert.ok(!Value.Check(schema, { ...good, extra: 1 }), 'extra key accepted');
}
