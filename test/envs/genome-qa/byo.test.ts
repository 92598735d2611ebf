// Bring your own assembly: a partial chromosome imported with the full chrom.sizes and cytoBand
// (clipped, with warnings) is never described as the whole chromosome, and an assembly without
// a cytoBand table serves every domain but cytoband_mapping, with a warning.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runOracle } from '../../../src/agents/genome-qa/index.js';
import { createGenomeQaEnvironment } from '../../../src/envs/genome-qa/environment.js';
import { openAssembly } from '../../../src/genome/assembly.js';
import { ensureDemoAssembly } from '../../../src/genome/demo/index.js';
import { importAssembly } from '../../../src/genome/import.js';
import { fixtureSkipReason, FIXTURE_DIR } from './hg38-fixture.js';

const tmp = mkdtempSync(join(tmpdir(), 'genegym-gqa-byo-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const skipFixture = fixtureSkipReason();

/** The demo's chromosomes as FASTA, chr1 cut to its first `cut` bases; returns the paths. */
async function demoInputs(cut: number): Promise<{ fasta: string; sizes: string; bands: string; genes: string[] }> {
  const demoDir = await ensureDemoAssembly({ home: tmp });
  const demo = await openAssembly(demoDir);
  try {
    const parts: string[] = [];
    for (const c of ['chr1', 'chr2', 'chr3']) {
      const n = c === 'chr1' ? cut : demo.chromSizes().get(c)!;
      parts.push(`>${c}\n${(await demo.read(c, 0, n)).match(/.{1,80}/g)!.join('\n')}\n`);
    }
    const fasta = join(tmp, 'part.fa');
    writeFileSync(fasta, parts.join(''));
    return { fasta, sizes: join(demoDir, 'demo.chrom.sizes'), bands: join(demoDir, 'cytoBand.txt'), genes: [join(demoDir, 'ncbiRefSeq.txt'), join(demoDir, 'ncbiRefSeqSelect.txt')] };
  } finally {
    await demo.close();
  }
}

test('a partial chromosome with the full chrom.sizes and cytoBand: clipped with warnings, never asked about as a whole', async () => {
  const cut = 400_000;
  const inp = await demoInputs(cut);
  const out = join(tmp, 'partial');
  const r = await importAssembly({ out, name: 'part', fasta: [inp.fasta], chromSizes: inp.sizes, cytoBand: inp.bands, genes: inp.genes });
  const full = Number(readFileSync(inp.sizes, 'utf8').match(/^chr1\t(\d+)/m)![1]);
  assert.ok(r.notes.some((n) => n.startsWith('warning: partial chromosome chr1 (400000 of') && n.includes(String(full))), r.notes.join('; '));
  assert.ok(r.notes.some((n) => /warning: cytoBand: \d+ bands past the end/.test(n)), r.notes.join('; '));
  assert.deepEqual((r.manifest.source as { partial: unknown }).partial, { chr1: { length: cut, fullLength: full } });
  const asm = await openAssembly(out);
  try {
    assert.ok(asm.bands('chr1').every((b) => b.end <= cut));
    const env = createGenomeQaEnvironment({ assembly: asm });
    for (const split of ['train', 'test']) {
      for (let i = 0; i < 200; i++) {
        const t = await env.answerKey(split, i);
        const src = t.source as { chrom?: string; chroms?: string[]; start?: number; end?: number };
        if (t.domain === 'chromosome_stats') assert.ok(!(src.chroms ?? [src.chrom]).includes('chr1'), `${t.id}: ${t.question}`);
        if (/whole of|complete sequence|entire sequence/.test(t.question)) assert.notEqual(src.chrom, 'chr1', t.question);
        if (src.chrom === 'chr1' && src.end !== undefined) assert.ok(src.end <= cut);
        if (i < 20) assert.equal((await runOracle(env, split, i)).reward, 1);
      }
    }
    // the mirror names the cut chromosome as what it is
    const list = await env.mirror.fetch('https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi?db=nuccore&id=GG_900001.1&rettype=fasta&seq_start=1&seq_stop=10');
    assert.match(list.body, /bases 1-400000 only \(partial import of a \d+ bp chromosome\)/);
  } finally {
    await asm.close();
  }
});

test('no cytoBand: every other domain is served, cytoband_mapping is left out with a warning', async () => {
  const inp = await demoInputs(1_000_000);
  const out = join(tmp, 'nobands');
  await importAssembly({ out, name: 'nobands', fasta: [inp.fasta], chromSizes: inp.sizes, genes: inp.genes });
  const asm = await openAssembly(out);
  try {
    const env = createGenomeQaEnvironment({ assembly: asm });
    assert.deepEqual(env.generator.unsupported, [{ domain: 'cytoband_mapping', reason: 'assembly nobands has no cytoBand table' }]);
    assert.equal((await env.generator.domainsFor('train')).length, 9);
    for (let i = 0; i < 30; i++) {
      assert.notEqual((await env.answerKey('train', i)).domain, 'cytoband_mapping');
      assert.equal((await runOracle(env, 'train', i)).reward, 1);
    }
    assert.ok(env.mirror.search('chr1 sequence', 5).length > 0);
  } finally {
    await asm.close();
  }
});

test('real hg38 pieces: chr2:1-2,333,275 with the whole hg38 chrom.sizes and cytoBand imports as a partial chr2', { skip: skipFixture }, async () => {
  const { gunzipSync } = await import('node:zlib');
  const fa = join(tmp, 'chr2.fa');
  writeFileSync(fa, gunzipSync(readFileSync(join(FIXTURE_DIR, 'chr2_1-2333275.fa.gz'))));
  const out = join(tmp, 'hg38part');
  const r = await importAssembly({ out, name: 'hg38', description: 'GRCh38 chr2 start', fasta: [fa], chromSizes: join(FIXTURE_DIR, 'hg38.chrom.sizes'), cytoBand: join(FIXTURE_DIR, 'cytoBand.txt') });
  assert.ok(r.notes.some((n) => n.includes('chr2 (2333275 of 242193529 bp)')), r.notes.join('; '));
  const asm = await openAssembly(out);
  try {
    const env = createGenomeQaEnvironment({ assembly: asm });
    const fasta = (await env.mirror.fetch('https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi?db=nuccore&id=NC_000002.12&rettype=fasta')).body;
    assert.doesNotMatch(fasta, /^>NC_000002/, 'the GRCh38 accession is not served for a partial chr2');
    for (let i = 0; i < 100; i++) {
      const t = await env.answerKey('train', i);
      assert.doesNotMatch(t.question, /2,?333,?275 bp long|length of chr2/);
    }
  } finally {
    await asm.close();
  }
});
