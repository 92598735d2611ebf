// Fidelity: NCBI Gene UIDs. Where the assembly's annotation carries real Gene ids (UCSC
// ncbiRefSeqLink.locusLinkId, which `assembly fetch` downloads; or an NCBI GFF's
// Dbxref=GeneID:N), esearch db=gene returns that id and esummary/esearch agree on it; without
// them the mirror falls back to stable local numbers. Facts used, from the fixture GFF's MYC gene
// feature: GeneID 4609, HGNC:7553, MIM 190080, its description and synonyms; from the fixture
// README: its NCBI Gene extent is chr8:127,735,434-127,742,951.

import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { openAssembly } from '../../src/genome/assembly.js';
import { fetchAssembly } from '../../src/genome/fetch.js';
import { parseRefSeqLink } from '../../src/genome/refseq-link.js';
import { Mirror } from '../../src/mirror/index.js';
import { standardFake } from '../envs/genome-qa/fake-assembly.js';
import { FIXTURE_DIR, fixtureSkipReason, openHg38Fixture } from '../envs/genome-qa/hg38-fixture.js';
import { addTinyAssembly, RangeServer } from '../genome/range-server.js';
import { assertShape, ESEARCH, GENE_DOCSUM } from './shapes.js';

const E = 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils';
const tmp = mkdtempSync(join(tmpdir(), 'gg-geneid-'));
const srv = new RangeServer();
before(async () => {
  await srv.start();
  await addTinyAssembly(srv, 'tiny', tmp);
});
after(async () => {
  await srv.stop();
  rmSync(tmp, { recursive: true, force: true });
});
const getJson = async (m: Mirror, url: string) => JSON.parse((await m.fetch(url)).body);

test('parseRefSeqLink reads id, symbol, mrnaAcc and locusLinkId by column, and refuses a malformed row', () => {
  const rows = parseRefSeqLink('NM_002467.6\tReviewed\tMYC\tmyc proto-oncogene\tNM_002467.6\tNP_002458.2\t4609\t190080\t7553\n');
  assert.deepEqual(rows, [{ id: 'NM_002467.6', name: 'MYC', mrnaAcc: 'NM_002467.6', geneId: '4609' }]);
  assert.throws(() => parseRefSeqLink('NM_1\tReviewed\tMYC\n', 'link.txt'), /link\.txt line 1: expected at least 7/);
  assert.throws(() => parseRefSeqLink('NM_1\ta\tMYC\tp\tNM_1\tNP_1\tGeneID:4609\n'), /not a number/);
});

test('assembly fetch downloads ncbiRefSeqLink; esearch/esummary then answer with its Gene id', async () => {
  // a link row for the tiny assembly's one transcript (the id is arbitrary test data, not a real gene)
  srv.files.set('/tiny/database/ncbiRefSeqLink.txt.gz', gzipSync('NM_000001.1\tReviewed\tTINY1\ttiny protein\tNM_000001.1\tNP_000001.1\t77001\t\t\t\tn/a\tmRNA\tBestRefSeq\tprotein_coding\t\t\t\t\n'));
  const dir = join(tmp, 'tiny');
  const r = await fetchAssembly('tiny', { dir, progress: false, log: () => {}, retryDelayMs: 10, mirror: srv.base });
  assert.equal(r.manifest.files.ncbiRefSeqLink?.path, 'ncbiRefSeqLink.txt.gz');
  const asm = await openAssembly(dir);
  try {
    const m = new Mirror(asm);
    assert.match(m.names.geneIdSource, /ncbiRefSeqLink\.txt\.gz$/);
    const s = await getJson(m, `${E}/esearch.fcgi?db=gene&term=TINY1[sym]&retmode=json`);
    assertShape(s, ESEARCH);
    assert.deepEqual(s.esearchresult.idlist, ['77001']);
    const doc = (await getJson(m, `${E}/esummary.fcgi?db=gene&id=77001&retmode=json`)).result['77001'];
    assertShape(doc, GENE_DOCSUM);
    assert.equal(doc.uid, '77001');
    assert.equal(doc.name, 'TINY1');
    assert.deepEqual((await getJson(m, `${E}/esearch.fcgi?db=gene&term=77001[uid]&retmode=json`)).esearchresult.idlist, ['77001']);
  } finally {
    await asm.close();
  }
  // a damaged link table is caught at download time, like the other tables
  srv.files.set('/tiny/database/ncbiRefSeqLink.txt.gz', gzipSync('NM_000001.1\tonly three\tcolumns\n'));
  await assert.rejects(fetchAssembly('tiny', { dir: join(tmp, 'tiny2'), progress: false, log: () => {}, retryDelayMs: 10, attempts: 1, mirror: srv.base }), /ncbiRefSeqLink\.txt\.gz is damaged/);
  srv.files.delete('/tiny/database/ncbiRefSeqLink.txt.gz');
});

test('without real ids: stable local uids, consistent between esearch and esummary', async () => {
  const m1 = new Mirror(standardFake());
  const m2 = new Mirror(standardFake());
  assert.equal(m1.names.geneIdSource, '');
  for (const sym of ['ALPHA1', 'BETA3']) {
    const a = (await getJson(m1, `${E}/esearch.fcgi?db=gene&term=${sym}[sym]&retmode=json`)).esearchresult.idlist;
    const b = (await getJson(m2, `${E}/esearch.fcgi?db=gene&term=${sym}[sym]&retmode=json`)).esearchresult.idlist;
    assert.deepEqual(a, b, 'the same uid on every run');
    assert.equal((await getJson(m1, `${E}/esummary.fcgi?db=gene&id=${a[0]}&retmode=json`)).result[a[0]].name, sym);
  }
});

const skip = fixtureSkipReason();
test('real hg38 fixtures with the NCBI GFF: esummary id=4609 is MYC at its NCBI Gene extent', { skip }, async () => {
  const asm = await openHg38Fixture(join(tmp, 'fx'));
  copyFileSync(join(FIXTURE_DIR, 'NCBI_hg38_MYC.gff'), join(asm.dir, 'NCBI_hg38_MYC.gff'));
  const m = new Mirror(asm);
  assert.match(m.names.geneIdSource, /NCBI_hg38_MYC\.gff$/);
  const s = await getJson(m, `${E}/esearch.fcgi?db=gene&term=MYC[sym] AND txid9606[Organism:exp]&retmode=json`);
  assert.deepEqual(s.esearchresult.idlist, ['4609']);
  const sum = await getJson(m, `${E}/esummary.fcgi?db=gene&id=4609&retmode=json`);
  const doc = sum.result['4609'];
  assertShape(doc, GENE_DOCSUM);
  assert.equal(doc.name, 'MYC');
  assert.equal(doc.chromosome, '8');
  const gi = doc.genomicinfo[0];
  assert.equal(gi.chraccver, 'NC_000008.11');
  assert.deepEqual([gi.chrstart + 1, gi.chrstop + 1], [127735434, 127742951], '0-based chrstart/chrstop of the 1-based NCBI extent');
  // what the GFF gene feature states: description, synonyms, OMIM number
  assert.equal(doc.description, 'MYC proto-oncogene, bHLH transcription factor');
  assert.deepEqual(doc.otheraliases.split(', ').sort(), ['MRTL', 'MYCC', 'bHLHe39', 'c-Myc'].sort());
  assert.deepEqual(doc.mim, ['190080']);
  const ds = JSON.parse((await m.fetch('https://api.ncbi.nlm.nih.gov/datasets/v2/gene/id/4609')).body).reports[0].gene;
  assert.equal(ds.gene_id, '4609');
  assert.equal(ds.description, doc.description);
  assert.deepEqual(ds.nomenclature_authority, { authority: 'HGNC', identifier: 'HGNC:7553' });
  assert.deepEqual(ds.omim_ids, ['190080']);
  // genes the GFF does not cover keep local uids that still round-trip
  const myt1l = (await getJson(m, `${E}/esearch.fcgi?db=gene&term=MYT1L[sym]&retmode=json`)).esearchresult.idlist[0];
  assert.equal((await getJson(m, `${E}/esummary.fcgi?db=gene&id=${myt1l}&retmode=json`)).result[myt1l].name, 'MYT1L');
});

test('assembly fetch downloads chromAlias; UCSC chrom= then resolves every alias it lists (test rows, not real accessions)', async () => {
  srv.files.set('/tiny/database/chromAlias.txt.gz', gzipSync('1\tchr1\tensembl\nXX000001.1\tchr1\tgenbank\nXX_000002.1\tchrM\trefseq\nghost\tchrZ\trefseq\n'));
  const dir = join(tmp, 'tiny-alias');
  const r = await fetchAssembly('tiny', { dir, progress: false, log: () => {}, retryDelayMs: 10, mirror: srv.base });
  assert.equal(r.manifest.files.chromAlias?.path, 'chromAlias.txt.gz');
  const asm = await openAssembly(dir);
  try {
    const m = new Mirror(asm);
    const get = async (chrom: string) => JSON.parse((await m.fetch(`https://api.genome.ucsc.edu/getData/sequence?genome=tiny;chrom=${chrom};start=0;end=10`)).body);
    assert.equal((await get('XX000001.1')).chrom, 'chr1');
    assert.equal((await get('xx_000002.1')).chrom, 'chrM');
    assert.equal((await get('XX_000002.1')).dna, (await get('chrM')).dna);
    assert.match((await get('ghost')).error, /can not find specified chrom=ghost/, 'an alias of a sequence the assembly lacks resolves to nothing');
  } finally {
    await asm.close();
  }
  srv.files.set('/tiny/database/chromAlias.txt.gz', gzipSync('no tabs here\n'));
  await assert.rejects(fetchAssembly('tiny', { dir: join(tmp, 'tiny-alias2'), progress: false, log: () => {}, retryDelayMs: 10, attempts: 1, mirror: srv.base }), /chromAlias\.txt\.gz is damaged/);
  srv.files.delete('/tiny/database/chromAlias.txt.gz');
});
