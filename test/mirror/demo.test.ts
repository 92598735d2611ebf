// Every mirrored service on the generated demo assembly, shape-checked against the documented
// responses and cross-checked against each other: one region's DNA is the same from UCSC
// getData, DAS and efetch; one gene's extent is the same from esummary, Datasets and the UCSC
// track rows; a synthetic assembly is never labelled as a real organism.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openAssembly } from '../../src/genome/assembly.js';
import { ensureDemoAssembly } from '../../src/genome/demo/index.js';
import type { AssemblyApi } from '../../src/genome/types.js';
import { Mirror } from '../../src/mirror/index.js';
import { assertShape, ESEARCH, GENE_DOCSUM, NUCCORE_DOCSUM, UCSC_SCHEMA, UCSC_SEQUENCE, UCSC_TRACK_HEAD } from './shapes.js';

const tmp = mkdtempSync(join(tmpdir(), 'gg-mirror-demo-'));
let asm: AssemblyApi;
let m: Mirror;
before(async () => {
  asm = await openAssembly(await ensureDemoAssembly({ home: tmp }));
  m = new Mirror(asm);
});
after(async () => {
  await asm?.close();
  rmSync(tmp, { recursive: true, force: true });
});
const U = 'https://api.genome.ucsc.edu';
const E = 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils';
const getJson = async (url: string) => {
  const r = await m.fetch(url);
  assert.ok(r.status === 200 || r.status === 206, `${url} -> ${r.status} ${r.body.slice(0, 200)}`);
  return JSON.parse(r.body);
};

test('demo: one region\'s DNA agrees across UCSC getData (alias chrom=1), DAS and efetch by uid', async () => {
  const chrom = asm.primaryChromosomes()[0];
  const short = chrom.replace(/^chr/, '');
  const seq = await getJson(`${U}/getData/sequence?genome=demo;chrom=${short};start=100000;end=100200`);
  assertShape(seq, UCSC_SEQUENCE, '$', true);
  assert.equal(seq.chrom, chrom);
  const das = (await m.fetch(`https://genome.ucsc.edu/cgi-bin/das/demo/dna?segment=${short}:100001,100200`)).body;
  const dasDna = /<DNA length="200">\n([a-z\n]+)<\/DNA>/.exec(das)![1].replace(/\n/g, '');
  assert.equal(dasDna, seq.dna.toLowerCase());
  const s = await getJson(`${E}/esearch.fcgi?db=nuccore&term=${chrom.replace(/^chr/, '')}[chr]&retmode=json`);
  assertShape(s, ESEARCH);
  const uid = s.esearchresult.idlist[0];
  const doc = (await getJson(`${E}/esummary.fcgi?db=nuccore&id=${uid}&retmode=json`)).result[uid];
  assertShape(doc, NUCCORE_DOCSUM);
  assert.match(doc.accessionversion, /^GG_/, 'a synthetic chromosome gets a local accession, never a RefSeq one');
  assert.match(doc.title, /synthetic/);
  assert.notEqual(doc.organism, 'Homo sapiens');
  const fa = (await m.fetch(`${E}/efetch.fcgi?db=nuccore&id=${uid}&rettype=fasta&seq_start=100001&seq_stop=100200`)).body.split('\n');
  assert.equal(fa[0].split(' ')[0], `>${doc.accessionversion}:100001-100200`);
  assert.equal(fa.slice(1).join(''), seq.dna.toUpperCase());
});

test('demo: one gene\'s extent agrees across esearch/esummary, Datasets and the UCSC tracks; every track has a schema', async () => {
  const g = asm.genes().find((x) => x.select && x.strand === '-') ?? asm.genes()[0];
  const s = await getJson(`${E}/esearch.fcgi?db=gene&term=${g.symbol}[sym]&retmode=json`);
  const uid = s.esearchresult.idlist[0];
  const doc = (await getJson(`${E}/esummary.fcgi?db=gene&id=${uid}&retmode=json`)).result[uid];
  assertShape(doc, GENE_DOCSUM);
  const gi = doc.genomicinfo[0];
  const [lo, hi] = [Math.min(gi.chrstart, gi.chrstop), Math.max(gi.chrstart, gi.chrstop)];
  const ds = (await getJson(`https://api.ncbi.nlm.nih.gov/datasets/v2/gene/id/${uid}`)).reports[0].gene;
  const r = ds.annotations[0].genomic_locations[0].genomic_range;
  assert.deepEqual([Number(r.begin) - 1, Number(r.end) - 1], [lo, hi], 'Datasets 1-based = esummary 0-based + 1');
  assert.equal(ds.annotations[0].genomic_locations[0].genomic_accession_version, gi.chraccver);
  const rows = (await getJson(`${U}/getData/track?genome=demo;track=ncbiRefSeq;chrom=${g.chrom};start=${lo};end=${hi + 1}`)).ncbiRefSeq.filter((x: { name2: string }) => x.name2 === g.symbol);
  assert.equal(Math.min(...rows.map((x: { txStart: number }) => x.txStart)), lo);
  assert.equal(Math.max(...rows.map((x: { txEnd: number }) => x.txEnd)), hi + 1);
  const tracks = Object.keys((await getJson(`${U}/list/tracks?genome=demo`)).demo);
  assert.ok(tracks.includes('ncbiRefSeqSelect') && tracks.includes('cytoBand'));
  for (const t of tracks) {
    const schema = await getJson(`${U}/list/schema?genome=demo;track=${t}`);
    assertShape(schema, UCSC_SCHEMA, t);
    const data = await getJson(`${U}/getData/track?genome=demo;track=${t};chrom=${g.chrom};jsonOutputArrays=1;maxItemsOutput=5`);
    assertShape(data, UCSC_TRACK_HEAD, t);
    for (const row of data[t]) assert.equal(row.length, schema.columnTypes.length, `${t}: a row has one value per schema column`);
  }
});
