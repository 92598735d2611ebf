// Fidelity of the remaining UCSC list endpoints and /search, and of E-utilities einfo, against
// the documented shapes (kent list.c chromInfoJsonOutput/jsonDbDb/trackDbJsonOutput, search.c;
// E-utilities einfo JSON), with kent's /search argument messages.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Mirror } from '../../src/mirror/index.js';
import { standardFake } from '../envs/genome-qa/fake-assembly.js';
import { assertShape, UCSC_CHROMOSOMES, UCSC_ERROR, UCSC_GENOME_ENTRY, UCSC_SEARCH } from './shapes.js';

const asm = standardFake();
const m = new Mirror(asm);
const U = 'https://api.genome.ucsc.edu';
const get = async (path: string) => {
  const r = await m.fetch(`${U}${path}`);
  return { status: r.status, body: JSON.parse(r.body) };
};

test('list/chromosomes, list/chromosomes?track=, list/tracks and list/ucscGenomes shapes', async () => {
  const c = await get('/list/chromosomes?genome=fake');
  assertShape(c.body, UCSC_CHROMOSOMES, '$', true);
  assert.deepEqual(c.body.chromosomes, Object.fromEntries(asm.chromSizes()));
  const t = await get('/list/chromosomes?genome=fake;track=ncbiRefSeq');
  assert.equal(t.body.track, 'ncbiRefSeq');
  assert.deepEqual(Object.keys(t.body.chromosomes), ['chr1', 'chr2', 'chr3', 'chrX'], 'the chromosomes the track has rows on, largest first');
  const lt = await get('/list/tracks?genome=fake;trackLeavesOnly=1');
  assertShape(lt.body, { downloadTime: 'string', downloadTimeStamp: 'number', dataTime: 'string', dataTimeStamp: 'number', fake: 'any' }, '$', true);
  for (const v of Object.values(lt.body.fake)) assertShape(v, { shortLabel: 'string', type: 'string', longLabel: 'string' });
  const g = await get('/list/ucscGenomes');
  assertShape(g.body.ucscGenomes.fake, UCSC_GENOME_ENTRY, 'ucscGenomes.fake', true);
});

test('search: gene, band and coordinate queries share the positionMatches shape; kent argument messages', async () => {
  for (const term of ['ALPHA1', '1p11', 'chr1:1,001-2,000']) {
    const r = await get(`/search?search=${encodeURIComponent(term)};genome=fake`);
    assert.equal(r.status, 200, term);
    if (term.includes(':')) assertShape(r.body, { downloadTime: 'string', downloadTimeStamp: 'number', genome: 'string', positionMatches: [{ name: 'string', chrom: 'string', chromStart: 'number', chromEnd: 'number' }] }, term);
    else assertShape(r.body, UCSC_SEARCH, term);
  }
  const cases: [string, string][] = [
    ['/search?search=ALPHA1', "missing URL variable genome=<ucscDb> name for endpoint '/search/"],
    ['/search?genome=fake', "missing URL variable search=<search query> for endpoint '/search/"],
    ['/search?search=ALPHA1;genome=fake;limit=3', "extraneous arguments found for function /search'limit=3'"],
  ];
  for (const [path, msg] of cases) {
    const r = await get(path);
    assert.equal(r.status, 400, path);
    assertShape(r.body, UCSC_ERROR, path, true);
    assert.equal(r.body.error, msg, path);
  }
});

test('einfo: header and einforesult.dblist', async () => {
  const r = JSON.parse((await m.fetch('https://eutils.ncbi.nlm.nih.gov/entrez/eutils/einfo.fcgi?retmode=json')).body);
  assertShape(r, { header: { type: 'string', version: 'string' }, einforesult: { dblist: ['string'] } }, '$', true);
  assert.ok(r.einforesult.dblist.includes('gene') && r.einforesult.dblist.includes('nuccore'));
});
