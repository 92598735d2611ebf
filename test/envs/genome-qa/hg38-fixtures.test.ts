// Real hg38 pieces: the generator's computations and the mirror's replies must hit facts known
// independently of this code (rCRS composition, restriction-site counts on chrM, MANE MYC exon
// lengths, NCBI's MYC span, UCSC band boundaries, GRCh38 chromosome-length ranking traps), and
// the tool-only solver must score 100% on the domains the fixtures support.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runOracle, runToolSolver, runWrongAnswer, type InProcessEpisode } from '../../../src/agents/genome-qa/index.js';
import { createGenomeQaEnvironment, type GenomeQaEnvironment } from '../../../src/envs/genome-qa/environment.js';
import { lengthRank } from '../../../src/envs/genome-qa/domains/chromosome_stats.js';
import { intronicPercent } from '../../../src/envs/genome-qa/domains/coding_noncoding_ratio.js';
import { ENZYMES } from '../../../src/envs/genome-qa/domains/sequence_motif.js';
import { GenContext } from '../../../src/envs/genome-qa/context.js';
import { composition, countSite, exonLengthsTxOrder, gcFraction } from '../../../src/envs/genome-qa/seq.js';
import type { AssemblyApi } from '../../../src/genome/types.js';
import { fixtureSkipReason, openHg38Fixture } from './hg38-fixture.js';
import { assertNoLeak } from '../../agents/genome-qa/leak.js';

const skip = fixtureSkipReason();
let tmp = '';
let asm: AssemblyApi;
let env: GenomeQaEnvironment;

before(async () => {
  if (skip) return;
  tmp = mkdtempSync(join(tmpdir(), 'genegym-gqa-hg38-'));
  asm = await openHg38Fixture(tmp);
  env = createGenomeQaEnvironment({ assembly: asm });
});
after(async () => {
  if (skip) return;
  await asm.close();
  rmSync(tmp, { recursive: true, force: true });
});

const E = 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils';
const U = 'https://api.genome.ucsc.edu';

test('chrM: composition, chrM:1-20, restriction sites', { skip }, async () => {
  const seq = (await asm.read('chrM', 0, 16569)).toUpperCase();
  const c = composition(seq);
  assert.deepEqual([c.A, c.C, c.G, c.T, c.N], [5124, 5181, 2169, 4094, 1]);
  assert.equal(seq.indexOf('N') + 1, 3107, 'the N sits at 3107 (1-based)');
  assert.equal(gcFraction(c).toFixed(2), '0.44');
  assert.equal(countSite(seq, ENZYMES.EcoRI), 3);
  assert.equal(countSite(seq, ENZYMES.BamHI), 1);
  assert.equal(countSite(seq, ENZYMES.HindIII), 3);
  const r = JSON.parse((await env.mirror.fetch(`${U}/getData/sequence?genome=hg38;chrom=chrM;start=0;end=20`)).body);
  assert.equal(r.dna, 'GATCACAGGTCTATCACCCT');
  const fa = (await env.mirror.fetch(`${E}/efetch.fcgi?db=nuccore&id=NC_012920.1&rettype=fasta&retmode=text&seq_start=1&seq_stop=20`)).body;
  assert.equal(fa, '>NC_012920.1:1-20 Homo sapiens mitochondrion, complete genome\nGATCACAGGTCTATCACCCT\n\n');
});

test('MYC: MANE exon lengths 393/772/2,556; NCBI span 7,518 through esummary', { skip }, async () => {
  const myc = asm.gene('MYC');
  assert.equal(myc.select?.name, 'NM_002467.6');
  assert.deepEqual(exonLengthsTxOrder(myc.select!), [393, 772, 2556]);
  assert.equal(myc.end - myc.start, 7518);
  const s = JSON.parse((await env.mirror.fetch(`${E}/esearch.fcgi?db=gene&term=MYC[sym]+AND+human[orgn]&retmode=json`)).body);
  const uid = s.esearchresult.idlist[0];
  const doc = JSON.parse((await env.mirror.fetch(`${E}/esummary.fcgi?db=gene&id=${uid}&retmode=json`)).body).result[uid];
  assert.deepEqual(doc.genomicinfo[0], { chrloc: '8', chraccver: 'NC_000008.11', chrstart: 127735433, chrstop: 127742950, exoncount: 3 });
  assert.equal(doc.maplocation, '8q24.21');
  assert.equal(Math.abs(doc.genomicinfo[0].chrstop - doc.genomicinfo[0].chrstart) + 1, 7518);
  assert.equal(intronicPercent(myc.select!).toFixed(2), '44.64');
  const ctx = new GenContext(asm);
  assert.ok(ctx.selectGenes().some((g) => g.symbol === 'MYC'));
});

test('MYT1L (minus strand) regression values from the chr2 window', { skip }, async () => {
  const g = asm.gene('MYT1L');
  const tx = g.select!;
  assert.equal(tx.strand, '-');
  assert.equal(tx.exonStarts.length, 25);
  const lens = exonLengthsTxOrder(tx);
  assert.equal(lens[0], 309);
  assert.equal(lens[24], 2895);
  assert.equal(intronicPercent(tx).toFixed(2), '98.68');
  const seq = (await asm.read('chr2', tx.txStart, tx.txEnd)).toUpperCase();
  assert.equal(gcFraction(composition(seq)).toFixed(4), '0.4450');
  assert.equal(countSite(seq, ENZYMES.EcoRI), 161);
  // the minus-strand gene's esummary reverses chrstart/chrstop
  const s = JSON.parse((await env.mirror.fetch(`${E}/esearch.fcgi?db=gene&term=MYT1L[sym]&retmode=json`)).body);
  const doc = JSON.parse((await env.mirror.fetch(`${E}/esummary.fcgi?db=gene&id=${s.esearchresult.idlist[0]}&retmode=json`)).body).result[s.esearchresult.idlist[0]];
  assert.deepEqual([doc.genomicinfo[0].chrstart, doc.genomicinfo[0].chrstop], [2331274, 1789112]);
  const minus = (await env.mirror.fetch(`${E}/efetch.fcgi?db=nuccore&id=NC_000002.12&rettype=fasta&seq_start=2331246&seq_stop=2331275&strand=2`)).body.split('\n');
  assert.equal(minus[0], '>NC_000002.12:c2331275-2331246 Homo sapiens chromosome 2, GRCh38.p14 Primary Assembly');
});

test('cytobands: 1-based boundary at chr1:2,300,000 / 2,300,001', { skip }, async () => {
  assert.equal(asm.bandAt('chr1', 2_300_000 - 1)?.name, 'p36.33');
  assert.equal(asm.bandAt('chr1', 2_300_001 - 1)?.name, 'p36.32');
  const r = JSON.parse((await env.mirror.fetch(`${U}/getData/track?genome=hg38;track=cytoBand;chrom=chr1;start=2299999;end=2300001`)).body);
  assert.deepEqual(r.cytoBand.map((b: { name: string }) => b.name), ['p36.33', 'p36.32']);
  assert.deepEqual(r.cytoBand[0], { chrom: 'chr1', chromStart: 0, chromEnd: 2300000, name: 'p36.33', gieStain: 'gneg' });
});

test('chromosome lengths and ranking traps', { skip }, async () => {
  const ctx = new GenContext(asm);
  const nuclear = ctx.nuclear();
  assert.equal(nuclear.length, 24);
  assert.equal(lengthRank(nuclear, 'chrX'), 8);
  const size = (c: string) => nuclear.find((x) => x.chrom === c)!.size;
  assert.equal(size('chr1'), 248_956_422);
  assert.ok(size('chr11') > size('chr10'));
  assert.ok(size('chr20') > size('chr19'));
  assert.ok(size('chrY') > size('chr22') && size('chr22') > size('chr21'));
  assert.equal(size('chr1') - size('chr2'), 6_762_893);
  assert.equal(nuclear.reduce((a, c) => a + c.size, 0), 3_088_269_832);
  const lc = JSON.parse((await env.mirror.fetch(`${U}/list/chromosomes?genome=hg38`)).body);
  assert.equal(lc.chromCount, 455);
  assert.equal(lc.chromosomes.chrM, 16569);
});

test('tool-only solver 100%, oracle 100%, wrong-answer 0% on the fixture-supported domains', { skip }, async () => {
  const train = (await env.generator.domainsFor('train')).map((d) => d.domain.name);
  for (const d of ['reference_sequence', 'gc_content', 'gene_genomic_span', 'chromosome_stats', 'cytoband_mapping', 'exon_properties', 'nucleotide_composition', 'sequence_motif']) {
    assert.ok(train.includes(d as never), `fixtures support ${d}`);
  }
  assert.ok(!train.includes('intergenic_distance'), 'no neighbouring genes in the fixtures');
  for (const split of ['train', 'test']) {
    const n = (await env.generator.domainsFor(split)).length * 4;
    for (let i = 0; i < n; i++) {
      let episode: InProcessEpisode | undefined;
      const r = await runToolSolver(env, split, i, (ep) => (episode = ep));
      assert.equal(r.reward, 1, `${split}[${i}] ${r.domain}: ${r.verdict} ${r.error ?? ''}`);
      await assertNoLeak(env, split, i, episode!);
      assert.equal((await runOracle(env, split, i)).reward, 1);
      assert.equal((await runWrongAnswer(env, split, i)).reward, 0);
    }
  }
});
