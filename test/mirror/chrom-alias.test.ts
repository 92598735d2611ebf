// Fidelity: chromosome names as the real services resolve them. UCSC looks chrom= up in
// chromInfo (any case) and then chromAlias (hg38: "8", "MT", NC_000008.11, CM000670.2) and
// answers with the native name; NCBI efetch/esummary on nuccore take accession.version, the
// accession without version, or the numeric uid (GI), and esearch returns that uid.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Mirror } from '../../src/mirror/index.js';
import { standardFake } from '../envs/genome-qa/fake-assembly.js';
import { fixtureSkipReason, openHg38Fixture } from '../envs/genome-qa/hg38-fixture.js';
import { assertShape, ESEARCH, NUCCORE_DOCSUM, UCSC_ERROR, UCSC_SEQUENCE } from './shapes.js';

const U = 'https://api.genome.ucsc.edu';
const E = 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils';
const fake = standardFake();
const hgFake = new Mirror({ ...fake, name: 'hg38', manifest: { ...fake.manifest, name: 'hg38', synthetic: false } });
const getJson = async (m: Mirror, url: string) => {
  const r = await m.fetch(url);
  return { status: r.status, body: JSON.parse(r.body) };
};

test('UCSC getData/sequence: every chromAlias name of chr1 gives chr1 and the same bases', async () => {
  const ref = await getJson(hgFake, `${U}/getData/sequence?genome=hg38;chrom=chr1;start=20000;end=20040`);
  assertShape(ref.body, UCSC_SEQUENCE, '$', true);
  for (const name of ['1', 'NC_000001.11', 'CM000663.2', 'CHR1', 'nc_000001.11']) {
    const r = await getJson(hgFake, `${U}/getData/sequence?genome=hg38;chrom=${name};start=20000;end=20040`);
    assert.equal(r.status, 200, name);
    assertShape(r.body, UCSC_SEQUENCE, name, true);
    assert.equal(r.body.chrom, 'chr1', `${name} answers with the native name`);
    assert.equal(r.body.dna, ref.body.dna, name);
  }
  for (const [name, native] of [['X', 'chrX'], ['NC_000023.11', 'chrX'], ['CM000685.2', 'chrX'], ['MT', 'chrM'], ['NC_012920.1', 'chrM'], ['J01415.2', 'chrM']]) {
    const r = await getJson(hgFake, `${U}/getData/sequence?genome=hg38;chrom=${name};start=0;end=10`);
    assert.equal(r.body.chrom, native, name);
  }
});

test('UCSC aliases in getData/track and search; an unknown name is the real 400', async () => {
  const byAlias = await getJson(hgFake, `${U}/getData/track?genome=hg38;track=ncbiRefSeq;chrom=NC_000001.11;start=0;end=100000`);
  const byName = await getJson(hgFake, `${U}/getData/track?genome=hg38;track=ncbiRefSeq;chrom=chr1;start=0;end=100000`);
  assert.equal(byAlias.body.chrom, 'chr1');
  assert.deepEqual(byAlias.body.ncbiRefSeq, byName.body.ncbiRefSeq);
  assert.ok(byName.body.ncbiRefSeq.length > 0);
  const s = await getJson(hgFake, `${U}/search?search=NC_000001.11:1,001-2,000;genome=hg38`);
  assert.deepEqual(s.body.positionMatches[0], { name: 'chromInfo', chrom: 'chr1', chromStart: 1000, chromEnd: 2000 });
  const bad = await getJson(hgFake, `${U}/getData/sequence?genome=hg38;chrom=NC_000099.1;start=0;end=10`);
  assert.equal(bad.status, 400);
  assertShape(bad.body, UCSC_ERROR, '$', true);
  assert.equal(bad.body.error, "can not find specified chrom=NC_000099.1 in sequence for endpoint '/getData/sequence?genome=hg38;chrom=NC_000099.1");
  // a synthetic assembly has no RefSeq names, only the short form
  const syn = new Mirror(fake);
  assert.equal((await getJson(syn, `${U}/getData/sequence?genome=fake;chrom=2;start=0;end=5`)).body.chrom, 'chr2');
  assert.equal((await getJson(syn, `${U}/getData/sequence?genome=fake;chrom=NC_000002.12;start=0;end=5`)).status, 400);
});

test('NCBI nuccore: esearch gives the GI; esummary and efetch take GI, accession.version and bare accession alike', async () => {
  const s = await getJson(hgFake, `${E}/esearch.fcgi?db=nuccore&term=NC_000001.11[accn]&retmode=json`);
  assertShape(s.body, ESEARCH);
  assert.deepEqual(s.body.esearchresult.idlist, ['568815597'], 'GRCh38 chr1 RefSeq record GI');
  for (const term of ['NC_000001.11', 'NC_000001', '568815597[uid]', '1[chr] AND txid9606[Organism]']) {
    const r = await getJson(hgFake, `${E}/esearch.fcgi?db=nuccore&term=${encodeURIComponent(term)}&retmode=json`);
    assert.deepEqual(r.body.esearchresult.idlist, ['568815597'], term);
  }
  const uid = s.body.esearchresult.idlist[0];
  const sum = await getJson(hgFake, `${E}/esummary.fcgi?db=nuccore&id=${uid}&retmode=json`);
  assert.deepEqual(sum.body.result.uids, [uid]);
  const doc = sum.body.result[uid];
  assertShape(doc, NUCCORE_DOCSUM);
  assert.equal(doc.accessionversion, 'NC_000001.11');
  assert.equal(doc.caption, 'NC_000001');
  assert.equal(doc.extra, `gi|${uid}|ref|NC_000001.11|`);
  assert.equal(doc.slen, 300_000);
  const byAcc = await getJson(hgFake, `${E}/esummary.fcgi?db=nuccore&id=NC_000001.11&retmode=json`);
  assert.deepEqual(byAcc.body.result.uids, [uid], 'an accession is answered under its GI');
  const xml = (await hgFake.fetch(`${E}/esummary.fcgi?db=nuccore&id=${uid}`)).body;
  assert.match(xml, /<eSummaryResult>\s*<DocSum>\s*<Id>568815597<\/Id>/);
  assert.match(xml, /<Item Name="AccessionVersion" Type="String">NC_000001.11<\/Item>/);
  const fa = async (id: string) => (await hgFake.fetch(`${E}/efetch.fcgi?db=nuccore&id=${id}&rettype=fasta&seq_start=20001&seq_stop=20040`)).body;
  const want = await fa('NC_000001.11');
  assert.match(want, /^>NC_000001\.11:20001-20040 Homo sapiens chromosome 1, GRCh38\.p14 Primary Assembly\n/);
  assert.equal(await fa(uid), want);
  assert.equal(await fa('NC_000001'), want);
  assert.equal(want.split('\n')[1], (await fake.read('chr1', 20000, 20040)).toUpperCase());
  // every GRCh38 chromosome's GI is distinct and maps back
  const gis = hgFake.names.asm.primaryChromosomes().map((c) => hgFake.names.nuccoreUid(c)!);
  assert.equal(new Set(gis).size, gis.length);
  assert.equal(hgFake.names.nuccoreUid('chrM'), '251831106');
  assert.equal(hgFake.names.nuccoreUid('chrX'), '568815575');
  for (const c of hgFake.names.asm.primaryChromosomes()) assert.equal(hgFake.names.chromOfNuccoreId(hgFake.names.nuccoreUid(c)!), c);
});

const skip = fixtureSkipReason();
const tmp = mkdtempSync(join(tmpdir(), 'gg-alias-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('real hg38 fixtures: chrM by MT / NC_012920.1 / J01415.2 / GI 251831106, chr2 by 2 and NC_000002.12', { skip }, async () => {
  const asm = await openHg38Fixture(tmp);
  const m = new Mirror(asm);
  for (const name of ['chrM', 'MT', 'NC_012920.1', 'J01415.2', 'chrm']) {
    const r = await getJson(m, `${U}/getData/sequence?genome=hg38;chrom=${name};start=0;end=20`);
    assert.equal(r.body.chrom, 'chrM', name);
    assert.equal(r.body.dna, 'GATCACAGGTCTATCACCCT', name);
  }
  const two = await getJson(m, `${U}/getData/sequence?genome=hg38;chrom=2;start=2000000;end=2000030`);
  const nc = await getJson(m, `${U}/getData/sequence?genome=hg38;chrom=NC_000002.12;start=2000000;end=2000030`);
  assert.equal(two.body.chrom, 'chr2');
  assert.equal(two.body.dna, nc.body.dna);
  const fa = (await m.fetch(`${E}/efetch.fcgi?db=nuccore&id=251831106&rettype=fasta&seq_start=1&seq_stop=20`)).body.split('\n');
  assert.equal(fa[0], '>NC_012920.1:1-20 Homo sapiens mitochondrion, complete genome');
  assert.equal(fa[1], 'GATCACAGGTCTATCACCCT');
  const s = await getJson(m, `${E}/esearch.fcgi?db=nuccore&term=NC_012920.1&retmode=json`);
  assert.deepEqual(s.body.esearchresult.idlist, ['251831106']);
  const doc = (await getJson(m, `${E}/esummary.fcgi?db=nuccore&id=251831106&retmode=json`)).body.result['251831106'];
  assert.equal(doc.slen, 16569);
  assert.equal(doc.topology, 'circular');
});
