import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Mirror } from '../../src/mirror/index.js';
import { ucscBin, ucscDownloadTime } from '../../src/mirror/ucsc.js';
import { standardFake } from '../envs/genome-qa/fake-assembly.js';

const asm = standardFake();
const now = () => new Date(Date.UTC(2026, 1, 16, 18, 53, 40));
const mirror = new Mirror(asm, { now });
const U = 'https://api.genome.ucsc.edu';
const get = async (path: string) => {
  const r = await mirror.fetch(`${U}${path}`);
  return { status: r.status, body: JSON.parse(r.body) };
};

test('downloadTime uses UCSC format with colons in the date', () => {
  assert.equal(ucscDownloadTime(now()), '2026:02:16T18:53:40Z');
});

test('getData/sequence: 0-based half-open, soft-masked, revComp, whole chromosome', async () => {
  const r = await get('/getData/sequence?genome=fake;chrom=chrM;start=0;end=20');
  assert.equal(r.status, 200);
  assert.deepEqual(Object.keys(r.body), ['downloadTime', 'downloadTimeStamp', 'genome', 'chrom', 'start', 'end', 'dna']);
  assert.equal(r.body.downloadTimeStamp, Math.floor(now().getTime() / 1000));
  assert.equal(r.body.dna, 'GATCACAGGTCTATCACCCT');
  const rc = await get('/getData/sequence?genome=fake&chrom=chrM&start=0&end=4&revComp=1');
  assert.equal(rc.body.revComp, true);
  assert.equal(rc.body.dna, 'GATC'.split('').reverse().map((c) => ({ G: 'C', A: 'T', T: 'A', C: 'G' })[c]).join(''));
  const masked = await get('/getData/sequence?genome=fake;chrom=chr2;start=0;end=250000');
  assert.match(masked.body.dna, /[acgt]/, 'soft-masked lowercase kept');
  const whole = await get('/getData/sequence?genome=fake;chrom=chrM');
  assert.equal(whole.body.start, 0);
  assert.equal(whole.body.end, 16569);
  assert.equal(whole.body.dna.length, 16569);
});

test('getData/sequence errors: extraneous args, end past the chromosome, unknown chrom/genome', async () => {
  const extra = await get('/getData/sequence?genome=fake;chrom=chrM;start=0;end=10;foo=1');
  assert.equal(extra.status, 400);
  assert.deepEqual(Object.keys(extra.body), ['downloadTime', 'downloadTimeStamp', 'error', 'statusCode', 'statusMessage']);
  assert.equal(extra.body.error, "extraneous arguments found for function /getData/sequence 'foo=1'");
  assert.equal(extra.body.statusCode, 400);
  assert.equal(extra.body.statusMessage, 'Bad Request');
  const past = await get('/getData/sequence?genome=fake;chrom=chrM;start=16000;end=16570');
  assert.equal(past.status, 400);
  assert.match(past.body.error, /end coordinate 16570 past end of chromosome size 16569/);
  assert.equal((await get('/getData/sequence?genome=fake;chrom=chr99;start=0;end=1')).status, 400);
  assert.match((await get('/getData/sequence?genome=hg19;chrom=chrM;start=0;end=1')).body.error, /genome='hg19'/);
  assert.match((await get('/getData/sequence?chrom=chrM')).body.error, /missing URL genome=/);
});

test('getData/track cytoBand and genePred rows, selection by overlap, maxItemsOutput', async () => {
  const cb = await get('/getData/track?genome=fake;track=cytoBand;chrom=chr1;start=29999;end=30001');
  assert.equal(cb.status, 200);
  assert.equal(cb.body.track, 'cytoBand');
  assert.deepEqual(cb.body.cytoBand.map((b: any) => b.chromStart), [0, 30000]);
  assert.deepEqual(Object.keys(cb.body.cytoBand[0]), ['chrom', 'chromStart', 'chromEnd', 'name', 'gieStain']);
  const sel = await get('/getData/track?genome=fake;track=ncbiRefSeqSelect;chrom=chr1');
  const row = sel.body.ncbiRefSeqSelect[0];
  assert.deepEqual(Object.keys(row), ['bin', 'name', 'chrom', 'strand', 'txStart', 'txEnd', 'cdsStart', 'cdsEnd', 'exonCount', 'exonStarts', 'exonEnds', 'score', 'name2', 'cdsStartStat', 'cdsEndStat', 'exonFrames']);
  assert.match(row.exonStarts, /^(\d+,)+$/, 'comma-terminated list');
  assert.equal(row.bin, ucscBin(row.txStart, row.txEnd));
  assert.equal(sel.body.ncbiRefSeqSelect.length, 10);
  const all = await get('/getData/track?genome=fake;track=ncbiRefSeq;chrom=chr1');
  assert.ok(all.body.ncbiRefSeq.length > 10, 'the full track also has non-Select transcripts');
  const cut = await get('/getData/track?genome=fake;track=ncbiRefSeq;chrom=chr1;maxItemsOutput=2');
  assert.equal(cut.status, 206);
  assert.equal(cut.body.maxItemsLimit, true);
  assert.equal(cut.body.ncbiRefSeq.length, 2);
  const byChrom = await get('/getData/track?genome=fake;track=cytoBand');
  assert.ok(Array.isArray(byChrom.body.cytoBand.chr2), 'without chrom the rows are keyed by chromosome');
  const arrays = await get('/getData/track?genome=fake;track=cytoBand;chrom=chrY;jsonOutputArrays=1');
  assert.ok(Array.isArray(arrays.body.cytoBand[0]));
  assert.equal(arrays.body.columnTypes[0].name, 'chrom');
  assert.equal((await get('/getData/track?genome=fake;track=knownGeneX;chrom=chr1')).status, 400);
  assert.equal((await get('/getData/track?genome=fake;track=cytoBand;start=5;end=1')).status, 400);
});

test('list/chromosomes, list/tracks and search', async () => {
  const lc = await get('/list/chromosomes?genome=fake');
  assert.equal(lc.body.chromCount, 6);
  assert.equal(lc.body.chromosomes.chr1, 300000);
  assert.ok('dataTime' in lc.body && 'dataTimeStamp' in lc.body);
  const lt = await get('/list/tracks?genome=fake;trackLeavesOnly=1');
  assert.ok(lt.body.fake.ncbiRefSeqSelect.shortLabel);
  const s = await get('/search?search=ALPHA1;genome=fake');
  const names = s.body.positionMatches.map((m: any) => m.name);
  assert.deepEqual(names, ['ncbiRefSeq', 'ncbiRefSeqSelect']);
  const pos = s.body.positionMatches[1].matches[0].position;
  const row = asm.gene('ALPHA1').select!;
  assert.equal(pos, `chr1:${row.txStart + 1}-${row.txEnd}`, '1-based start in position');
  const coord = await get('/search?search=chr1:1,001-2,000;genome=fake');
  assert.deepEqual(coord.body.positionMatches[0], { name: 'chromInfo', chrom: 'chr1', chromStart: 1000, chromEnd: 2000 });
  const unknown = await mirror.fetch(`${U}/getData/nothing?genome=fake`);
  assert.equal(unknown.status, 400);
});

test('other hosts are not available offline', async () => {
  const r = await mirror.fetch('https://www.ncbi.nlm.nih.gov/gene/4609');
  assert.equal(r.status, 503);
  assert.match(r.body, /not available offline/);
});
