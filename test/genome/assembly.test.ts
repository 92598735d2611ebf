import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAssembly } from '../../src/genome/assembly.js';
import { countBases } from '../../src/genome/sequence-source.js';
import { formatBand } from '../../src/genome/cytoband.js';
import { parsePosition, parseRegion } from '../../src/genome/coords.js';
import { UnknownGeneError, type AssemblyManifest } from '../../src/genome/types.js';
import { encodeTwoBit } from './twobit-encode.js';
import { hg38 } from './hg38-fixtures.js';

function fastaRecord(text: string): [string, string] {
  const [head, ...lines] = text.split('\n');
  return [head.slice(1).split(/\s/)[0], lines.join('')];
}

function manifest(name: string): AssemblyManifest {
  return { name, description: 'test pieces of UCSC hg38', synthetic: false, createdAt: new Date(0).toISOString(), files: {} };
}

/** An assembly dir "mini" holding real chrM + chr2 (first 2.33 Mb) as 2bit and the real tables. */
async function buildMini(root: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, 'mini');
  await mkdir(dir);
  const chrM = fastaRecord(await readFile(files.chrM, 'latin1'));
  const chr2 = fastaRecord(gunzipSync(await readFile(files.chr2)).toString('latin1'));
  await writeFile(join(dir, 'mini.2bit'), encodeTwoBit([chr2, chrM]));
  await writeFile(join(dir, 'mini.chrom.sizes'), `chr2\t${chr2[1].length}\nchrM\t${chrM[1].length}\n`);
  await copyFile(files.cytoBand, join(dir, 'cytoBand.txt'));
  // refGene layout (bin + genePredExt); MYC's MANE row built from its GFF coordinates
  const mane = '618\tNM_002467.6\tchr8\t+\t127736230\t127742951\t127736593\t127740958\t3\t127736230,127738247,127740395,\t127736623,127739019,127742951,\t0\tMYC\tcmpl\tcmpl\t0,0,1,';
  await writeFile(join(dir, 'ncbiRefSeq.txt'), `${await readFile(files.refGeneMyc, 'utf8')}${await readFile(files.refGeneMuc1, 'utf8')}${mane}\n`);
  await writeFile(join(dir, 'ncbiRefSeqSelect.txt'), `${mane}\n`);
  await writeFile(join(dir, 'assembly.json'), JSON.stringify(manifest('mini')));
  return dir;
}

test('openAssembly on real hg38 pieces: sequence, sizes, bands, genes, Select', async (t) => {
  const files = {
    chrM: hg38(t, 'chrM.fa'), chr2: hg38(t, 'chr2_1-2333275.fa.gz'), cytoBand: hg38(t, 'cytoBand.txt'),
    refGeneMyc: hg38(t, 'refGene_MYC.txt'), refGeneMuc1: hg38(t, 'refGene_MUC1.txt'),
  };
  if (Object.values(files).some((f) => !f)) return;
  const root = await mkdtemp(join(tmpdir(), 'genegym-asm-'));
  try {
    const dir = await buildMini(root, files as Record<string, string>);
    const asm = await openAssembly(dir);
    try {
      assert.equal(asm.name, 'mini');
      assert.deepEqual(asm.primaryChromosomes(), ['chr2', 'chrM']);
      assert.deepEqual([...asm.chromSizes()], [['chr2', 2_333_275], ['chrM', 16_569]]);
      const r = parseRegion('chrM:1-20');
      assert.equal(await asm.read(r.chrom, r.start, r.end), 'GATCACAGGTCTATCACCCT');
      assert.deepEqual(await countBases(asm.sequence, 'chrM'), { A: 5124, C: 5181, G: 2169, T: 4094, N: 1, other: 0 });
      assert.equal(await asm.read('chr2', 0, 10_000), 'N'.repeat(10_000));
      const { chrom, pos0 } = parsePosition('chr1:2,300,000');
      assert.equal(asm.bandAt(chrom, pos0)?.name, 'p36.33');
      assert.equal(formatBand(asm.bandAt('chr1', pos0 + 1)!), '1p36.32');
      assert.deepEqual(asm.bandRange('chr1', 'p36.33'), { chrom: 'chr1', start: 0, end: 2_300_000 });
      const myc = asm.gene('MYC');
      assert.equal(myc.select?.name, 'NM_002467.6');
      assert.deepEqual(myc.select!.exonStarts.map((s, i) => myc.select!.exonEnds[i] - s), [393, 772, 2556]);
      assert.equal(myc.end - myc.start, 7_518);
      assert.equal(asm.transcript('NM_001204295')?.gene, 'MUC1');
      assert.deepEqual(asm.genes().map((g) => g.symbol), ['MUC1', 'MYC']);
      assert.throws(() => asm.gene('NOTAGENE'), UnknownGeneError);
    } finally {
      await asm.close();
    }

    // the same directory by name under a GENEGYM home
    const home = join(root, 'home');
    await mkdir(join(home, 'assemblies'), { recursive: true });
    await symlink(dir, join(home, 'assemblies', 'mini'));
    const byName = await openAssembly('mini', { home });
    assert.equal(byName.dir, join(home, 'assemblies', 'mini'));
    await byName.close();
    await assert.rejects(openAssembly('absent', { home }), /no assembly named absent .*genegym assembly fetch absent/);

    // a bgzip FASTA instead of the 2bit, read through the same API
    await unlink(join(dir, 'mini.2bit'));
    await writeFile(join(dir, 'mini.chrom.sizes'), 'chr2\t2333275\n');
    for (const ext of ['', '.fai', '.gzi']) await copyFile(files.chr2 + ext, join(dir, `mini.fa.gz${ext}`));
    const fa = await openAssembly(dir);
    assert.equal((await fa.read('chr2', 9_998, 10_003)).slice(0, 2), 'NN');
    assert.notEqual((await fa.read('chr2', 10_000, 10_001)).toUpperCase(), 'N');
    await fa.close();

    // sizes that disagree with the sequence, then missing pieces, are named
    await writeFile(join(dir, 'mini.chrom.sizes'), 'chr2\t2333276\n');
    await assert.rejects(openAssembly(dir), /chrom\.sizes and sequence disagree .*chr2 \(.*2333276, sequence: 2333275\)/);
    await unlink(join(dir, 'mini.chrom.sizes'));
    await unlink(join(dir, 'assembly.json'));
    await assert.rejects(openAssembly(dir), /incomplete; missing: assembly\.json; mini\.chrom\.sizes/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('an assembly without cytoBand or genes opens, and says what is missing when asked', async () => {
  const root = await mkdtemp(join(tmpdir(), 'genegym-asm-'));
  try {
    const dir = join(root, 'tiny');
    await mkdir(dir);
    await writeFile(join(dir, 'tiny.2bit'), encodeTwoBit([['chr1', 'ACGTacgtNN']]));
    await writeFile(join(dir, 'tiny.chrom.sizes'), 'chr1\t10\n');
    await writeFile(join(dir, 'assembly.json'), JSON.stringify(manifest('tiny')));
    const asm = await openAssembly(dir);
    assert.equal(await asm.read('chr1', 2, 10, { softMask: false }), 'GTACGTNN');
    assert.throws(() => asm.bandAt('chr1', 0), /no cytoBand\.txt/);
    assert.throws(() => asm.genes(), /no gene table/);
    await asm.close();
    // a file named by role in assembly.json wins over the conventional name
    await writeFile(join(dir, 'other.2bit'), encodeTwoBit([['chr1', 'TTTTTTTTTT']]));
    await writeFile(join(dir, 'assembly.json'), JSON.stringify({ ...manifest('tiny'), files: { twoBit: { path: 'other.2bit' } } }));
    const other = await openAssembly(dir);
    assert.equal(await other.read('chr1', 0, 3), 'TTT');
    await other.close();
    await writeFile(join(dir, 'assembly.json'), '{"name":');
    await assert.rejects(openAssembly(dir), /not valid JSON/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('the name "demo" builds the demo assembly under the given home and opens it', async () => {
  const home = await mkdtemp(join(tmpdir(), 'genegym-home-'));
  try {
    const asm = await openAssembly('demo', { home });
    try {
      assert.equal(asm.manifest.synthetic, true);
      assert.ok(asm.dir.startsWith(home));
      assert.ok(asm.primaryChromosomes().includes('chrM'));
      const genes = asm.genes();
      assert.ok(genes.length > 50);
      for (const g of genes.slice(0, 20)) {
        assert.ok(g.select, `${g.symbol} has a Select transcript`);
        assert.ok(g.start <= g.select!.txStart && g.select!.txEnd <= g.end);
        assert.equal((await asm.read(g.chrom, g.start, g.end)).length, g.end - g.start);
        assert.ok(asm.bandAt(g.chrom, g.start), `${g.symbol} start lies in a band`);
      }
    } finally {
      await asm.close();
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
