// Fidelity: requests an agent didn't get right receive the real services' error shapes.
// UCSC (kent hubApi apiErrAbort): HTTP 400 with a JSON body of exactly downloadTime,
// downloadTimeStamp, error, statusCode, statusMessage, the message worded as kent words it.
// E-utilities: an ERROR field (JSON) or <ERROR> element (XML) with HTTP 200 for esearch and
// esummary, a per-uid "error" for unknown ids, the no-hit error/warning lists, and a 400 text
// reply from efetch for an id it cannot understand.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Mirror } from '../../src/mirror/index.js';
import { standardFake } from '../envs/genome-qa/fake-assembly.js';
import { assertShape, ESEARCH_NONE, UCSC_ERROR } from './shapes.js';

const asm = standardFake();
const mirror = new Mirror(asm, { now: () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) });
const U = 'https://api.genome.ucsc.edu';
const E = 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils';

const UCSC_CASES: [string, string][] = [
  ['/getData/sequence?genome=hg19;chrom=chrM;start=0;end=10', "can not find genome='hg19' for endpoint '/getData/sequence'"],
  ['/list/chromosomes?genome=mm10', "can not find genome='mm10' for endpoint '/list/chromosomes'"],
  ['/getData/sequence?genome=fake;chrom=chr99;start=0;end=10', "can not find specified chrom=chr99 in sequence for endpoint '/getData/sequence?genome=fake;chrom=chr99"],
  ['/getData/sequence?genome=fake', "missing URL chrom=<name> for endpoint '/getData/sequence?genome=fake'"],
  ['/getData/sequence?genome=fake;chrom=chrM;start=10;end=5', "illegal start,end coordinates given: 10,5, 'end' must be greater than 'start', and start greater than or equal to zero"],
  ['/getData/sequence?genome=fake;chrom=chrM;start=-5;end=5', "illegal start,end coordinates given: -5,5, 'end' must be greater than 'start', and start greater than or equal to zero"],
  ['/getData/sequence?genome=fake;chrom=chrM;start=7', "illegal start,end coordinates given: 7,(null), 'end' must be greater than 'start', and start greater than or equal to zero"],
  ['/getData/sequence?genome=fake;chrom=chrM;start=0;end=16570', "DNA sequence request end coordinate 16570 past end of chromosome size 16569 for endpoint '/getData/sequence?genome=fake;chrom=chrM;start=0;end=16570'"],
  ['/getData/sequence?genome=fake;chrom=chrM;start=1;end=5;color=red', "extraneous arguments found for function /getData/sequence 'color=red'"],
  ['/getData/sequence?genome=fake;chrom=chrM;chrom=chr1;start=0;end=5', "parameter 'chrom' found 2 times, only one instance allowed"],
  ['/getData/track?genome=fake;track=knownGeneX;chrom=chr1', "can not find track=knownGeneX name for endpoint '/getData/track"],
  ['/getData/track?genome=fake;chrom=chr1', "missing URL variable track=<trackName> name for endpoint '/getData/track"],
  ['/getData/track?track=cytoBand', "missing URL variable genome=<ucscDb> name for endpoint '/getData/track"],
  ['/getData/track?genome=fake;track=cytoBand;maxItemsOutput=0', "requested maxItemsOutput '0' can not be less than one"],
  ['/getData/track?genome=fake;track=cytoBand;maxItemsOutput=lots', "can not recognize maxItemsOutput 'lots' as a number"],
  ['/getData/track?genome=fake;track=cytoBand;maxItemsOutput=1000001', "requested maxItemsOutput '1000001' greater than maximum limit allowed: 1000000"],
  ['/getData/track?genome=fake;track=cytoBand;jsonOutputArrays=yes', "unrecognized 'jsonOutputArrays=yes' argument, can only be =1 or =0"],
  ['/list/schema?genome=fake', "missing track=<name> for endpoint '/list/schema'"],
  ['/list/schema?genome=fake;track=snp151', "failed to find specified track=snp151 in genome=fake for endpoint '/list/schema'"],
  ['/list/tracks?genome=fake;trackLeavesOnly=2', "unrecognized 'trackLeavesOnly=2' argument, can only be =1 or =0"],
  ['/list/ucscGenomes?genome=fake', "extraneous arguments found for function /list/ucscGenomes 'genome=fake'"],
  ['/list/everything?genome=fake', "do not recognize endpoint function: '/list/everything'"],
];

test('UCSC: each malformed request gets a 400 with exactly the error envelope and kent\'s message', async () => {
  for (const [path, message] of UCSC_CASES) {
    const r = await mirror.fetch(`${U}${path}`);
    assert.equal(r.status, 400, path);
    assert.equal(r.contentType, 'application/json', path);
    const body = JSON.parse(r.body);
    assertShape(body, UCSC_ERROR, path, true);
    assert.equal(body.error, message, path);
    assert.equal(body.statusCode, 400);
    assert.equal(body.statusMessage, 'Bad Request');
    assert.equal(body.downloadTime, '2026:01:02T03:04:05Z');
  }
});

test('UCSC: non-numeric coordinates name the bad value', async () => {
  const r = JSON.parse((await mirror.fetch(`${U}/getData/sequence?genome=fake;chrom=chrM;start=1k;end=5`)).body);
  assertShape(r, UCSC_ERROR, '$', true);
  assert.match(r.error, /can not recognize start coordinate: '1k'/);
});

test('E-utilities esearch: ERROR for an invalid db (JSON and XML), error/warning lists when nothing matches', async () => {
  const j = JSON.parse((await mirror.fetch(`${E}/esearch.fcgi?db=fleegle&term=MYC&retmode=json`)).body);
  assert.deepEqual(Object.keys(j), ['header', 'esearchresult']);
  assert.match(j.esearchresult.ERROR, /^Invalid db name specified: fleegle/);
  const x = await mirror.fetch(`${E}/esearch.fcgi?db=fleegle&term=MYC`);
  assert.equal(x.status, 200);
  assert.match(x.body, /<eSearchResult>\s*<ERROR>Invalid db name specified: fleegle[^<]*<\/ERROR>\s*<\/eSearchResult>/);
  const none = JSON.parse((await mirror.fetch(`${E}/esearch.fcgi?db=gene&term=NOSUCHGENE[sym]&retmode=json`)).body);
  assertShape(none, ESEARCH_NONE);
  assert.equal(none.esearchresult.count, '0');
  assert.deepEqual(none.esearchresult.idlist, []);
  const empty = JSON.parse((await mirror.fetch(`${E}/esearch.fcgi?db=gene&term=&retmode=json`)).body);
  assert.equal(typeof empty.esearchresult.ERROR, 'string');
});

test('E-utilities esummary: ERROR for an invalid db or no ids, a per-uid error for an unknown uid', async () => {
  const j = JSON.parse((await mirror.fetch(`${E}/esummary.fcgi?db=fleegle&id=1&retmode=json`)).body);
  assert.deepEqual(Object.keys(j), ['header', 'error']);
  assert.equal(j.header.type, 'esummary');
  const x = (await mirror.fetch(`${E}/esummary.fcgi?db=fleegle&id=1`)).body;
  assert.match(x, /<eSummaryResult>\s*<ERROR>Invalid db name specified: fleegle[^<]*<\/ERROR>\s*<\/eSummaryResult>/);
  const noIds = JSON.parse((await mirror.fetch(`${E}/esummary.fcgi?db=gene&retmode=json`)).body);
  assert.equal(noIds.error, 'Empty id list - nothing todo');
  for (const db of ['gene', 'nuccore']) {
    const u = JSON.parse((await mirror.fetch(`${E}/esummary.fcgi?db=${db}&id=999999999999&retmode=json`)).body);
    assert.deepEqual(u.result.uids, ['999999999999'], db);
    assert.deepEqual(u.result['999999999999'], { uid: '999999999999', error: 'cannot get document summary' }, db);
  }
});

test('E-utilities efetch: an id it cannot understand is a 400 text reply, not an empty FASTA', async () => {
  for (const id of ['NC_999999.1', '12345', 'chrZ']) {
    const r = await mirror.fetch(`${E}/efetch.fcgi?db=nuccore&id=${id}&rettype=fasta`);
    assert.equal(r.status, 400, id);
    assert.match(r.body, /^Error: F a i l e d {2}t o {2}u n d e r s t a n d {2}i d : {2}/, id);
    assert.ok(!r.body.startsWith('>'));
  }
});
