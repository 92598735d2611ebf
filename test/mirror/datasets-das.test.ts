// Fidelity: NCBI Datasets v2 and UCSC DAS. Shapes from the Datasets v2 OpenAPI
// (GeneDataReportPage, GeneDescriptor, Annotation/GenomicLocation/Range with uint64 values as
// strings, SequenceReportPage/SequenceInfo, rpcStatus for errors; proto3 JSON leaves default
// values out) and from kent's das.c (DASDNA > SEQUENCE id/start/stop/version > DNA length,
// lower-case DNA 50 a line; X-DAS-Status codes with an empty body for errors).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Mirror } from '../../src/mirror/index.js';
import { standardFake } from '../envs/genome-qa/fake-assembly.js';
import { fixtureSkipReason, openHg38Fixture } from '../envs/genome-qa/hg38-fixture.js';
import { assertShape, type Shape } from './shapes.js';

const D = 'https://api.ncbi.nlm.nih.gov/datasets/v2';
const DAS = 'https://genome.ucsc.edu/cgi-bin/das';
const fake = standardFake();
const hg = new Mirror({ ...fake, name: 'hg38', manifest: { ...fake.manifest, name: 'hg38', synthetic: false } });

const RANGE: Shape = { begin: 'digits', end: 'digits', orientation: 'string' };
const GENE_REPORT: Shape = {
  gene: {
    gene_id: 'digits', symbol: 'string', tax_id: 'digits', taxname: 'string', common_name: 'string', type: 'string', orientation: 'string', chromosomes: ['string'],
    annotations: [{ assembly_accession: 'string', assembly_name: 'string', genomic_locations: [{ genomic_accession_version: 'string', sequence_name: 'string', genomic_range: RANGE }] }],
    transcript_count: 'number',
  },
  query: ['string'],
};
const SEQ_INFO: Shape = { genbank_accession: 'string', refseq_accession: 'string', chr_name: 'string', ucsc_style_name: 'string', sort_order: 'number', assembly_accession: 'string', assembly_unit: 'string', assigned_molecule_location_type: 'string', length: 'number', role: 'string' };
const RPC_STATUS: Shape = { code: 'number', message: 'string', details: ['any'] };
const getJson = async (m: Mirror, url: string) => {
  const r = await m.fetch(url);
  return { status: r.status, body: JSON.parse(r.body) };
};

test('Datasets v2 gene by symbol and by id: the same report, 1-based string ranges, ids consistent with E-utilities', async () => {
  const g = fake.gene('ALPHA2');
  for (const path of ['gene/symbol/ALPHA2/taxon/9606', 'gene/symbol/ALPHA2/taxon/human/dataset_report', 'gene/symbol/alpha2/taxon/Homo%20sapiens']) {
    const r = await getJson(hg, `${D}/${path}`);
    assert.equal(r.status, 200, path);
    assert.deepEqual(Object.keys(r.body), ['reports', 'total_count'], path);
    assert.equal(r.body.total_count, 1);
    assertShape(r.body.reports[0], GENE_REPORT, path);
  }
  const rep = (await getJson(hg, `${D}/gene/symbol/ALPHA2/taxon/9606`)).body.reports[0].gene;
  const loc = rep.annotations[0].genomic_locations[0];
  assert.equal(loc.genomic_accession_version, 'NC_000001.11');
  assert.deepEqual([loc.genomic_range.begin, loc.genomic_range.end], [String(g.start + 1), String(g.end)]);
  assert.equal(loc.genomic_range.orientation, g.strand === '+' ? 'plus' : 'minus');
  assert.equal(rep.annotations[0].assembly_accession, 'GCF_000001405.40');
  const esearch = JSON.parse((await hg.fetch(`https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi?db=gene&term=ALPHA2[sym]&retmode=json`)).body);
  assert.equal(rep.gene_id, esearch.esearchresult.idlist[0], 'Datasets and E-utilities give the same Gene id');
  const byId = await getJson(hg, `${D}/gene/id/${rep.gene_id}/dataset_report`);
  assert.deepEqual(byId.body.reports[0].gene, rep);
  assert.deepEqual(byId.body.reports[0].query, [rep.gene_id]);
  const two = await getJson(hg, `${D}/gene/symbol/ALPHA1,ALPHA3/taxon/9606`);
  assert.deepEqual(two.body.reports.map((x: { gene: { symbol: string } }) => x.gene.symbol), ['ALPHA1', 'ALPHA3']);
});

test('Datasets v2 errors: unknown symbol -> messages[].error with invalid_identifiers, wrong taxon, unknown path -> rpcStatus 404', async () => {
  const r = await getJson(hg, `${D}/gene/symbol/ALPHA1,NOPE9/taxon/9606`);
  assert.equal(r.status, 200);
  assert.equal(r.body.total_count, 1);
  assertShape(r.body.messages[0], { error: { gene_error_code: 'string', reason: 'string', message: 'string', invalid_identifiers: ['string'] } });
  assert.deepEqual(r.body.messages[0].error.invalid_identifiers, ['NOPE9']);
  const none = await getJson(hg, `${D}/gene/symbol/NOPE9/taxon/9606`);
  assert.ok(!('total_count' in none.body) && !('reports' in none.body), 'proto3 JSON omits a zero count and an empty list');
  const mouse = await getJson(hg, `${D}/gene/symbol/ALPHA1/taxon/10090`);
  assert.equal(mouse.body.messages[0].error.gene_error_code, 'INVALID_TAXON_GENE_ARGUMENT');
  for (const path of ['gene/frobnicate/ALPHA1', 'virus/taxon/2697049/dataset_report']) {
    const x = await getJson(hg, `${D}/${path}`);
    assert.equal(x.status, 404, path);
    assertShape(x.body, RPC_STATUS, path, true);
  }
  const acc = await getJson(hg, `${D}/genome/accession/GCF_000001635.27/sequence_reports`);
  assert.equal(acc.status, 404);
  assertShape(acc.body, RPC_STATUS, '$', true);
});

test('Datasets v2 sequence_reports for GRCh38: one SequenceInfo per chromosome, chromosomes= filter', async () => {
  const r = await getJson(hg, `${D}/genome/accession/GCF_000001405.40/sequence_reports`);
  assert.deepEqual(Object.keys(r.body), ['reports', 'total_count']);
  assert.equal(r.body.total_count, fake.primaryChromosomes().length);
  for (const rep of r.body.reports) assertShape(rep, SEQ_INFO);
  const one = r.body.reports.find((x: { ucsc_style_name: string }) => x.ucsc_style_name === 'chr1');
  assert.deepEqual([one.chr_name, one.refseq_accession, one.genbank_accession, one.length, one.role], ['1', 'NC_000001.11', 'CM000663.2', 300_000, 'assembled-molecule']);
  const mt = await getJson(hg, `${D}/genome/accession/GCF_000001405.40/sequence_reports?chromosomes=1&chromosomes=MT`);
  assert.deepEqual(mt.body.reports.map((x: { chr_name: string }) => x.chr_name), ['1', 'MT']);
  assert.equal(mt.body.reports[1].refseq_accession, 'NC_012920.1');
  assert.equal(mt.body.reports[1].assigned_molecule_location_type, 'Mitochondrion');
  // a synthetic assembly is no NCBI assembly
  assert.equal((await getJson(new Mirror(fake), `${D}/genome/accession/GCF_000001405.40/sequence_reports`)).status, 404);
});

test('DAS dna: DASDNA XML, 1-based inclusive segment, lower case in 50-base lines, chr-less names too', async () => {
  const r = await hg.fetch(`${DAS}/hg38/dna?segment=chr1:20001,20120`);
  assert.equal(r.status, 200);
  assert.equal(r.contentType, 'text/plain', 'kent sends the XML as text/plain');
  assert.equal(r.headers?.['X-DAS-Status'], '200');
  const m = /^<\?xml version="1\.0" standalone="no"\?>\n<!DOCTYPE DASDNA SYSTEM "http:\/\/www\.biodas\.org\/dtd\/dasdna\.dtd">\n<DASDNA>\n<SEQUENCE id="chr1" start="20001" stop="20120" version="1\.00">\n<DNA length="120">\n([acgtn\n]+)<\/DNA>\n<\/SEQUENCE>\n<\/DASDNA>\n$/.exec(r.body);
  assert.ok(m, r.body.slice(0, 300));
  const lines = m[1].trimEnd().split('\n');
  assert.deepEqual(lines.map((l) => l.length), [50, 50, 20]);
  assert.equal(lines.join(''), (await fake.read('chr1', 20000, 20120)).toLowerCase());
  const bare = await hg.fetch(`${DAS}/hg38/dna?segment=1:20001,20120`);
  assert.match(bare.body, /<SEQUENCE id="1" start="20001" stop="20120"/);
  assert.equal(bare.body.replace('id="1"', 'id="chr1"'), r.body);
  const old = await hg.fetch(`${DAS}/hg38/dna?ref=chr1&start=20001&stop=20120`);
  assert.equal(old.body, r.body, 'the pre-0.995 ref/start/stop form');
});

test('DAS errors: status in X-DAS-Status with an empty body', async () => {
  const cases: [string, string][] = [
    ['hg19/dna?segment=chr1:1,10', '401'],
    ['hg38/dna?segment=chr1:1', '402'],
    ['hg38/dna?segment=chr1:a,10', '402'],
    ['hg38/dna', '402'],
    ['hg38/dna?segment=chr99:1,10', '403'],
    ['hg38/dna?segment=chr1:50,10', '405'],
    ['hg38/features?segment=chr1:1,10', '501'],
  ];
  for (const [path, code] of cases) {
    const r = await hg.fetch(`${DAS}/${path}`);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers?.['X-DAS-Status'], code, path);
    assert.equal(r.body, '', path);
  }
  const dsn = await hg.fetch(`${DAS}/dsn`);
  assert.match(dsn.body, /<DASDSN>\n {3}<DSN>\n {5}<SOURCE id="hg38" version="1\.00">/);
  const ep = await hg.fetch(`${DAS}/hg38/entry_points`);
  assert.match(ep.body, /<SEGMENT id="1" start="1" stop="300000" orientation="\+" subparts="no">1<\/SEGMENT>/);
  // other genome.ucsc.edu pages are not mirrored, and say so
  const other = await hg.fetch('https://genome.ucsc.edu/cgi-bin/hgTracks?db=hg38');
  assert.equal(other.status, 503);
  assert.match(other.body, /not available offline.*cgi-bin\/das/);
  assert.equal(Mirror.handles('https://genome.ucsc.edu/cgi-bin/das/hg38/dna?segment=chr1:1,10'), true);
  assert.equal(Mirror.handles('https://genome.ucsc.edu/cgi-bin/hgTracks'), false);
  assert.equal(Mirror.handles('https://api.ncbi.nlm.nih.gov/datasets/v2/gene/id/1'), true);
});

const skip = fixtureSkipReason();
const tmp = mkdtempSync(join(tmpdir(), 'gg-das-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
test('real hg38 fixtures: DAS chrM:1,20 is gatcacaggtctatcaccct; MYC by symbol in Datasets', { skip }, async () => {
  const asm = await openHg38Fixture(tmp);
  const m = new Mirror(asm);
  const r = await m.fetch(`${DAS}/hg38/dna?segment=chrM:1,20`);
  assert.match(r.body, /<DNA length="20">\ngatcacaggtctatcaccct\n<\/DNA>/);
  const mt = await m.fetch(`${DAS}/hg38/dna?segment=MT:1,20`);
  assert.match(mt.body, /<SEQUENCE id="MT" start="1" stop="20" version="1\.00">\n<DNA length="20">\ngatcacaggtctatcaccct\n/);
  const myc = (await getJson(m, `${D}/gene/symbol/MYC/taxon/9606`)).body.reports[0].gene;
  const loc = myc.annotations[0].genomic_locations[0];
  assert.equal(loc.genomic_accession_version, 'NC_000008.11');
  assert.deepEqual([loc.genomic_range.begin, loc.genomic_range.end, loc.genomic_range.orientation], ['127735434', '127742951', 'plus']);
  assert.deepEqual(myc.map_locations, [{ map_type: 'Cytogenetic', map_value: '8q24.21' }]);
});
