import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskGenerator } from '../../../src/envs/genome-qa/generator.js';
import { composition, countSite, gcFraction, hasSelfBorder, isPalindromic } from '../../../src/envs/genome-qa/seq.js';
import { ENZYMES } from '../../../src/envs/genome-qa/domains/sequence_motif.js';
import { DOMAINS } from '../../../src/envs/genome-qa/types.js';
import { standardFake } from './fake-assembly.js';

const asm = standardFake();

test('every domain is supported on the fake and tasks are deterministic', async () => {
  const a = new TaskGenerator(asm, { seed: 7 });
  const b = new TaskGenerator(asm, { seed: 7 });
  assert.deepEqual(a.domains.map((d) => d.domain.name), [...DOMAINS]);
  for (let i = 0; i < 40; i++) assert.deepEqual(await a.task('train', i), await b.task('train', i));
  const c = new TaskGenerator(asm, { seed: 8 });
  let same = 0;
  for (let i = 0; i < 40; i++) if ((await c.task('train', i)).question === (await a.task('train', i)).question) same++;
  assert.ok(same < 20, 'another seed gives other questions');
  assert.equal((await a.task('train', 13)).domain, DOMAINS[3], 'task i is domain i mod 10');
});

test('index access: a task is the same whatever order the split is read in', async () => {
  const far = new TaskGenerator(asm);
  const t = await far.task('train', 1999);
  assert.equal(t.index, 1999);
  const seq = new TaskGenerator(asm);
  for (let i = 0; i < 1999; i++) await seq.task('train', i);
  assert.deepEqual(await seq.task('train', 1999), t);
  assert.deepEqual(await far.task('train', 5), await seq.task('train', 5));
});

test('no two tasks of a split share a question, an identity key or a (kind, source) pair', async () => {
  const g = new TaskGenerator(asm);
  for (const split of ['train', 'test']) {
    const questions = new Set<string>();
    const keys = new Set<string>();
    const sources = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const t = await g.task(split, i);
      questions.add(t.question);
      keys.add(`${t.domain}|${t.key}`);
      sources.add(`${t.kind}|${JSON.stringify(t.source)}`);
    }
    assert.deepEqual([questions.size, keys.size, sources.size], [1000, 1000, 1000], split);
  }
});

test('a large split is cut into blocks that own disjoint loci: distinct across blocks, a far index costs one block', async () => {
  const size = 3000;
  const a = new TaskGenerator(asm, { splitSize: () => size });
  const far = await a.task('train', 2999);
  const b = new TaskGenerator(asm, { splitSize: () => size });
  const questions = new Set<string>();
  const keys = new Set<string>();
  for (let i = 0; i < size; i++) {
    const t = await b.task('train', i);
    questions.add(t.question);
    keys.add(`${t.domain}|${t.key}`);
  }
  assert.deepEqual([questions.size, keys.size], [size, size]);
  assert.deepEqual(await b.task('train', 2999), far);
  const big = new TaskGenerator(asm, { splitSize: () => 1_000_000 });
  const t = await big.task('train', 999_998);
  assert.equal(t.index, 999_998);
});

test('a kind that runs out hands its turns to the other kinds of its domain, and says so', async () => {
  const g = new TaskGenerator(asm);
  const r = await g.distinctReport('train', 1000);
  assert.equal(r.tasks, 1000);
  const stats = r.counts.chromosome_stats;
  // the fake has few chromosomes: length and rank questions run out long before 100
  const short = r.shortfalls.filter((s) => s.domain === 'chromosome_stats' && s.kind !== null);
  assert.ok(short.length > 0);
  for (const s of short) assert.equal(stats[s.kind!], s.distinct);
  const perDomain = Object.fromEntries(Object.entries(r.counts).map(([d, k]) => [d, Object.values(k).reduce((a, b) => a + b, 0)]));
  for (const [d, n] of Object.entries(perDomain)) {
    if (!r.shortfalls.some((s) => s.domain === d && s.kind === null)) assert.ok(n >= 100, `${d} keeps at least its 100`);
  }
  // kinds that did not run out stay within one task of each other
  for (const [d, kinds] of Object.entries(r.counts)) {
    const open = Object.entries(kinds).filter(([k]) => !r.shortfalls.some((s) => s.domain === d && s.kind === k)).map(([, n]) => n);
    if (open.length > 1) assert.ok(Math.max(...open) - Math.min(...open) <= 1, `${d}: ${JSON.stringify(kinds)}`);
  }
});

test('a split larger than the assembly can hold fails at the first index it cannot fill', async () => {
  const g = new TaskGenerator(asm, { domains: ['chromosome_stats'] });
  const r = await g.distinctReport('train', 0);
  assert.equal(r.tasks, 0);
  let cap = 0;
  await assert.rejects(async () => {
    for (;; cap++) await g.task('train', cap);
  }, /only \d+ distinct tasks/);
  assert.ok(cap > 5 && cap < 1000, String(cap));
  assert.deepEqual(await g.task('train', 0), await new TaskGenerator(asm, { domains: ['chromosome_stats'] }).task('train', 0));
});

test('train and test are disjoint by construction', async () => {
  const g = new TaskGenerator(asm);
  const keys = async (split: string) => {
    const s = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const t = await g.task(split, i);
      s.add(`${t.domain}|${t.key}`);
      assert.equal(TaskGenerator.partitionOf(`${t.domain}|${t.key}`), split === 'test' ? 1 : 0);
    }
    return s;
  };
  const train = await keys('train');
  const testKeys = await keys('test');
  assert.equal([...testKeys].filter((k) => train.has(k)).length, 0);
});

test('questions state their definitions', async () => {
  const g = new TaskGenerator(asm);
  const need: Record<string, RegExp[]> = {
    reference_sequence: [/strand/, /1-based|5'/],
    gc_content: [/\(G \+ C\) \/ \(A \+ C \+ G \+ T\)/],
    gene_genomic_span: [/end - start \+ 1|1-based inclusive/],
    chromosome_stats: [/chrom\.sizes/],
    cytoband_mapping: [/1-based|single band|cytoBand/],
    intergenic_distance: [/strictly between/, /start\(B\) - end\(A\) - 1/],
    exon_properties: [/Select|MANE/],
    nucleotide_composition: [/lowercase/],
    coding_noncoding_ratio: [/Select|MANE/, /100 x/],
    sequence_motif: [/palindromic/, /cannot overlap/],
  };
  for (let i = 0; i < 200; i++) {
    const t = await g.task('train', i);
    for (const re of need[t.domain]) assert.match(t.question, re, `${t.domain}/${t.kind}: ${t.question}`);
    assert.match(t.question, /Submit your answer as a JSON object: \{/);
    for (const f of t.fields) assert.ok(t.question.includes(`"${f.key}"`), 'the answer format names every graded key');
  }
});

test('windows never contain N; answers match an independent recount', async () => {
  const g = new TaskGenerator(asm);
  for (let i = 0; i < 300; i++) {
    const t = await g.task('train', i);
    const s = t.source as Record<string, any>;
    if (!['gc_content', 'nucleotide_composition', 'sequence_motif'].includes(t.domain) || t.kind.startsWith('whole')) continue;
    const seq = (await asm.read(s.chrom, s.start - 1, s.end)).toUpperCase();
    assert.doesNotMatch(seq, /N/, `${t.id} region has N`);
    const c = composition(seq);
    if (t.domain === 'gc_content') assert.equal(t.answer.gc_content, gcFraction(c).toFixed(3));
    if (t.domain === 'sequence_motif') assert.equal(t.answer.motif_count, String(countSite(seq, s.site)));
    if (t.kind === 'window_acgt') assert.deepEqual(t.answer, { A: String(c.A), C: String(c.C), G: String(c.G), T: String(c.T) });
  }
});

test('enzymes are palindromic and cannot overlap themselves', () => {
  assert.ok(Object.keys(ENZYMES).length >= 8);
  for (const site of Object.values(ENZYMES)) {
    assert.ok(isPalindromic(site) && !hasSelfBorder(site), site);
  }
  assert.ok(!('NotI' in ENZYMES) && !('HhaI' in ENZYMES), 'self-overlapping sites are excluded');
  assert.equal(countSite('GAATTCAAGCTTGAATTCGGATCC', 'GAATTC'), 2);
  assert.equal(countSite('GCGCGC', 'GCGC'), 2, 'overlapping starts are counted');
});

test('band and gene questions avoid boundaries and ambiguous genes', async () => {
  const g = new TaskGenerator(asm);
  for (let i = 4; i < 1000; i += 10) {
    const t = await g.task('train', i);
    if (t.kind !== 'position_to_band') continue;
    const s = t.source as Record<string, any>;
    const band = asm.bandAt(s.chrom, s.position - 1)!;
    assert.ok(s.position - 1 - band.start >= 1000 && band.end - (s.position - 1) > 1000);
  }
  const bad = standardFake();
  // a symbol on two chromosomes is not a single-locus gene and must never be asked about
  const gen = new TaskGenerator(bad);
  assert.ok(gen.ctx.selectGenes().every((x) => x.select !== null));
});

test('intergenic: distance = bases strictly between; pairs with any gene in the gap are never asked', async () => {
  const { fakeAssembly, tx } = await import('./fake-assembly.js');
  const { intergenicDistance } = await import('../../../src/envs/genome-qa/domains/intergenic_distance.js');
  const { GenContext } = await import('../../../src/envs/genome-qa/context.js');
  const { Rng } = await import('../../../src/envs/genome-qa/rng.js');
  const genes = [
    tx({ name: 'NM_1.1', chrom: 'chr1', strand: '+', gene: 'AAA', exons: [[1000, 1200], [1500, 2000]], select: true }),
    tx({ name: 'NM_2.1', chrom: 'chr1', strand: '-', gene: 'BBB', exons: [[5000, 5300], [6000, 6100]], select: true }),
    // CCC has no Select transcript, so it is never named, but it sits between BBB and DDD
    tx({ name: 'NR_3.1', chrom: 'chr1', strand: '+', gene: 'CCC', exons: [[8000, 8100]] }),
    tx({ name: 'NM_4.1', chrom: 'chr1', strand: '+', gene: 'DDD', exons: [[9000, 9500]], select: true }),
  ];
  const ctx = new GenContext(fakeAssembly({ chroms: { chr1: 20_000 }, genes }));
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const d = await intergenicDistance.kinds[0].generate(ctx, new Rng(i));
    if (!d) continue;
    seen.add(JSON.stringify(d.source.genes));
    assert.deepEqual(d.source.genes, ['AAA', 'BBB']);
    assert.equal(d.answer.distance_bp, String(5000 - 2000), 'start(B) - end(A) - 1 in 1-based = 5001 - 2000 - 1');
  }
  assert.deepEqual([...seen], ['["AAA","BBB"]']);
});
