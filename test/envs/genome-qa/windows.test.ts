// The shared window sampler behind the sequence domains (gc_content, nucleotide_composition,
// reference_sequence, sequence_motif): bounds, N-gap rejection, determinism per seed, and
// the Select-transcript spans.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GenContext } from '../../../src/envs/genome-qa/context.js';
import { Rng } from '../../../src/envs/genome-qa/rng.js';
import { canSampleWindow, sampleSelectSpan, sampleWindow, windowChroms, type SequenceWindow, type WindowSpec } from '../../../src/envs/genome-qa/windows.js';
import { fakeAssembly, tx } from './fake-assembly.js';

// chr1 is more than half N (so many draws hit the gap), chr2 is too short for the spec and
// chr3 is readable only up to 6,000 of its 50,000 bases. Genes: CLEAN (N-free), GAPPY (runs
// into the gap), LONG (a 2,800-bp span) and FAR (beyond chr3's readable part).
const GAP: [number, number] = [2_000, 9_000];
const asm = fakeAssembly({
  chroms: { chr1: 12_000, chr2: 900, chr3: 50_000 },
  gaps: [['chr1', GAP[0], GAP[1]]],
  partial: { chr3: 6_000 },
  genes: [
    tx({ name: 'NM_000001.1', chrom: 'chr1', strand: '+', gene: 'CLEAN', exons: [[500, 700], [1_200, 1_500]], select: true }),
    tx({ name: 'NM_000002.1', chrom: 'chr1', strand: '-', gene: 'GAPPY', exons: [[1_800, 1_900], [2_100, 2_300]], select: true }),
    tx({ name: 'NM_000003.1', chrom: 'chr3', strand: '+', gene: 'LONG', exons: [[3_000, 3_200], [5_600, 5_800]], select: true }),
    tx({ name: 'NM_000004.1', chrom: 'chr3', strand: '+', gene: 'FAR', exons: [[10_000, 10_500]], select: true }),
  ],
});
const ctx = new GenContext(asm);
const SPEC: WindowSpec = { minChromLength: 1_000, minLength: 50, maxLength: 800 };

async function draws(seed: string, n: number): Promise<(SequenceWindow | null)[]> {
  const out: (SequenceWindow | null)[] = [];
  for (let i = 0; i < n; i++) out.push(await sampleWindow(ctx, new Rng(`${seed}|${i}`), SPEC));
  return out;
}

test('windows stay inside the readable sequence of long-enough chromosomes', async () => {
  assert.deepEqual(windowChroms(ctx, SPEC).map((c) => c.chrom), ['chr1', 'chr3']);
  const readable: Record<string, number> = { chr1: 12_000, chr3: 6_000 };
  const windows = (await draws('bounds', 300)).filter((w) => w !== null);
  assert.ok(windows.length > 50, `only ${windows.length} windows out of 300 draws`);
  for (const w of windows) {
    assert.ok(w.chrom in readable, `drawn on ${w.chrom}, which is shorter than minChromLength`);
    assert.ok(w.start >= 0 && w.end <= readable[w.chrom], `${w.chrom}:${w.start}-${w.end} leaves the readable sequence`);
    assert.equal(w.end - w.start, w.length);
    assert.ok(w.length >= SPEC.minLength && w.length <= SPEC.maxLength, `length ${w.length}`);
    assert.equal(w.seq, await ctx.readUpper(w.chrom, w.start, w.end), 'seq is the reference at the window');
  }
  assert.ok(new Set(windows.map((w) => w.chrom)).size === 2, 'both eligible chromosomes are drawn');
});

test('a window touching an N gap is rejected, never returned', async () => {
  const all = await draws('gaps', 300);
  const rejected = all.filter((w) => w === null).length;
  assert.ok(rejected > 20, `expected many draws to hit the ${GAP[1] - GAP[0]}-bp gap, got ${rejected} rejections`);
  for (const w of all) {
    if (!w) continue;
    assert.match(w.seq, /^[ACGT]+$/);
    if (w.chrom === 'chr1') assert.ok(w.end <= GAP[0] || w.start >= GAP[1], `chr1:${w.start}-${w.end} overlaps the gap`);
  }
});

test('the same seed gives the same window; other seeds give others', async () => {
  assert.deepEqual(await draws('same', 40), await draws('same', 40));
  const a = (await draws('seed-a', 40)).map((w) => w && `${w.chrom}:${w.start}-${w.end}`);
  const b = (await draws('seed-b', 40)).map((w) => w && `${w.chrom}:${w.start}-${w.end}`);
  assert.ok(a.filter((x, i) => x !== null && x === b[i]).length < 5, 'seeds are not ignored');
});

test('specs: an assembly without long-enough chromosomes cannot sample; bad specs throw', async () => {
  assert.equal(canSampleWindow(ctx, SPEC), true);
  assert.equal(canSampleWindow(ctx, { minChromLength: 100_000, minLength: 10, maxLength: 20 }), false);
  await assert.rejects(sampleWindow(ctx, new Rng(1), { minChromLength: 1_000, minLength: 50, maxLength: 2_000 }), /bad window spec/);
  await assert.rejects(sampleWindow(ctx, new Rng(1), { minChromLength: 1_000, minLength: 0, maxLength: 10 }), /bad window spec/);
});

test('Select spans: readable genes only, all A/C/G/T, not longer than asked', async () => {
  assert.deepEqual(ctx.readableSelectGenes().map((g) => g.symbol), ['CLEAN', 'GAPPY', 'LONG']);
  const seen = new Map<string, number>();
  for (let i = 0; i < 120; i++) {
    const span = await sampleSelectSpan(ctx, new Rng(`span|${i}`), 2_000);
    if (!span) continue;
    const t = span.gene.select;
    seen.set(span.gene.symbol, (seen.get(span.gene.symbol) ?? 0) + 1);
    assert.equal(span.seq, await ctx.readUpper(t.chrom, t.txStart, t.txEnd));
    assert.match(span.seq, /^[ACGT]+$/);
  }
  assert.deepEqual([...seen.keys()], ['CLEAN'], 'GAPPY holds N and LONG is over 2,000 bp');
  assert.ok(seen.get('CLEAN')! > 10);
  const long = await sampleSelectSpan(ctx, new Rng(hitting('LONG')), 5_000);
  assert.equal(long?.gene.symbol, 'LONG', 'a larger maxLength admits LONG');
});

/** A seed whose first pick among the readable genes is `symbol`. */
function hitting(symbol: string): string {
  const genes = ctx.readableSelectGenes();
  for (let i = 0; ; i++) if (new Rng(`hit|${i}`).pick(genes).symbol === symbol) return `hit|${i}`;
}
