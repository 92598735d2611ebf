// Fidelity: /list/schema and the track set. The real /list/schema answers a table track with
// genome, track, dataTime(Stamp), columnTypes [{name, sqlType, jsonType, description}] and the
// track's trackDb variables with itemCount; getData/track?jsonOutputArrays=1 carries the same
// columnTypes. Tracks follow the loaded annotation: knownGene only on a knownGene assembly,
// ncbiRefSeqSelect only where Select/MANE transcripts are known; any other track name gets the
// real "can not find track" 400.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Mirror } from '../../src/mirror/index.js';
import { fakeAssembly, standardFake, tx } from '../envs/genome-qa/fake-assembly.js';
import { fixtureSkipReason, openHg38Fixture } from '../envs/genome-qa/hg38-fixture.js';
import { assertShape, UCSC_ERROR, UCSC_SCHEMA, UCSC_TRACK_HEAD } from './shapes.js';

const U = 'https://api.genome.ucsc.edu';
const get = async (m: Mirror, path: string) => {
  const r = await m.fetch(`${U}${path}`);
  return { status: r.status, body: JSON.parse(r.body) };
};
const tmp = mkdtempSync(join(tmpdir(), 'gg-schema-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('list/schema: the documented shape, genePred and cytoBand columns, itemCount = the rows getData/track returns', async () => {
  const asm = standardFake();
  const m = new Mirror(asm);
  for (const track of ['ncbiRefSeq', 'ncbiRefSeqSelect', 'cytoBand']) {
    const s = await get(m, `/list/schema?genome=fake;track=${track}`);
    assert.equal(s.status, 200, track);
    assertShape(s.body, UCSC_SCHEMA, track);
    assert.equal(s.body.track, track);
    const all = await get(m, `/getData/track?genome=fake;track=${track}`);
    const rows = Object.values(all.body[track] as Record<string, unknown[]>).flat();
    assert.equal(s.body.itemCount, rows.length, `${track} itemCount`);
    // the columns name exactly the fields of each returned row, in order, with matching JSON types
    const first = rows[0] as Record<string, unknown>;
    assert.deepEqual(s.body.columnTypes.map((c: { name: string }) => c.name), Object.keys(first), track);
    for (const c of s.body.columnTypes) assert.equal(c.jsonType, typeof first[c.name] === 'number' ? 'number' : 'string', `${track}.${c.name}`);
    const arrays = await get(m, `/getData/track?genome=fake;track=${track};chrom=chr1;jsonOutputArrays=1`);
    assertShape(arrays.body, UCSC_TRACK_HEAD, track);
    assert.deepEqual(arrays.body.columnTypes, s.body.columnTypes, `${track}: the same columnTypes in getData`);
  }
  const gp = (await get(m, '/list/schema?genome=fake;track=ncbiRefSeq')).body.columnTypes;
  assert.deepEqual(gp.slice(0, 2).map((c: { name: string }) => c.name), ['bin', 'name']);
  assert.equal(gp[0].description, 'Indexing field to speed chromosome range queries');
  assert.equal(gp.find((c: { name: string }) => c.name === 'exonStarts').jsonType, 'string', 'comma-terminated list');
});

test('list/tracks and getData follow the annotation: no Select transcripts, no ncbiRefSeqSelect; no knownGene table, no knownGene', async () => {
  const noSelect = fakeAssembly({
    name: 'plain',
    chroms: { chr1: 50_000 },
    genes: [tx({ name: 'NM_000001.1', chrom: 'chr1', strand: '+', gene: 'ONE', exons: [[1000, 2000], [3000, 4000]] })],
    bands: [{ chrom: 'chr1', start: 0, end: 50_000, name: 'p11', stain: 'gneg' }],
  });
  const m = new Mirror(noSelect);
  const lt = await get(m, '/list/tracks?genome=plain');
  assert.deepEqual(Object.keys(lt.body.plain).sort(), ['cytoBand', 'ncbiRefSeq', 'ncbiRefSeqCurated', 'refGene']);
  for (const t of ['ncbiRefSeqSelect', 'knownGene', 'mane']) {
    const r = await get(m, `/getData/track?genome=plain;track=${t};chrom=chr1`);
    assert.equal(r.status, 400, t);
    assertShape(r.body, UCSC_ERROR, t, true);
    assert.equal(r.body.error, `can not find track=${t} name for endpoint '/getData/track`);
    const s = await get(m, `/list/schema?genome=plain;track=${t}`);
    assert.equal(s.body.error, `failed to find specified track=${t} in genome=plain for endpoint '/list/schema'`);
  }
});

test('a knownGene assembly serves knownGene (12 columns, no bin) and no RefSeq tracks', async () => {
  const dir = join(tmp, 'kg');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'knownGene.txt'), ''); // the reader found its genes in knownGene.txt
  const base = fakeAssembly({
    name: 'kgasm',
    chroms: { chr1: 50_000 },
    genes: [tx({ name: 'ENST00000000001.1', chrom: 'chr1', strand: '-', gene: '', exons: [[1000, 2000], [3000, 4000]] })],
  });
  const m = new Mirror({ ...base, dir });
  const lt = await get(m, '/list/tracks?genome=kgasm');
  assert.deepEqual(Object.keys(lt.body.kgasm), ['knownGene']);
  const s = await get(m, '/list/schema?genome=kgasm;track=knownGene');
  assertShape(s.body, UCSC_SCHEMA);
  assert.deepEqual(s.body.columnTypes.map((c: { name: string }) => c.name), ['name', 'chrom', 'strand', 'txStart', 'txEnd', 'cdsStart', 'cdsEnd', 'exonCount', 'exonStarts', 'exonEnds', 'proteinID', 'alignID']);
  const r = await get(m, '/getData/track?genome=kgasm;track=knownGene;chrom=chr1');
  assertShape(r.body, UCSC_TRACK_HEAD);
  assert.equal(r.body.knownGene[0].exonStarts, '1000,3000,');
  assert.equal((await get(m, '/getData/track?genome=kgasm;track=ncbiRefSeq;chrom=chr1')).status, 400);
});

const skip = fixtureSkipReason();
test('real hg38 fixtures: ncbiRefSeqSelect holds the MANE rows (MYC NM_002467.6, MYT1L), schema itemCount counts them', { skip }, async () => {
  const asm = await openHg38Fixture(join(tmp, 'fx'));
  const m = new Mirror(asm);
  const s = await get(m, '/list/schema?genome=hg38;track=ncbiRefSeqSelect');
  assertShape(s.body, UCSC_SCHEMA);
  assert.equal(s.body.itemCount, 2);
  const r = await get(m, '/getData/track?genome=hg38;track=ncbiRefSeqSelect;chrom=8');
  assert.equal(r.body.chrom, 'chr8');
  assert.deepEqual(r.body.ncbiRefSeqSelect.map((x: { name: string }) => x.name), ['NM_002467.6']);
  // README fact: NM_002467.6 spans chr8:127,736,231-127,742,951 (1-based)
  assert.deepEqual([r.body.ncbiRefSeqSelect[0].txStart, r.body.ncbiRefSeqSelect[0].txEnd], [127736230, 127742951]);
  assert.equal((await get(m, '/getData/track?genome=hg38;track=knownGene;chrom=chr8')).status, 400, 'the fixture annotation is RefSeq');
});
