// Response shapes of the real services, as their documentation and source define them, for the
// mirror's fidelity tests. Each shape names the fields a client reads, their JSON types and
// nesting; values are never fixed here (the tests compare values with independent facts).
//
// Sources (facts only): kent src/hg/hubApi (apiUtils.c apiErrAbort/apiStartOutput, getData.c,
// list.c schemaJsonOutput, hubApi.c apiRequest/setGlobalCgiVars) for api.genome.ucsc.edu;
// NCBI E-utilities esearch/esummary JSON and XML (esummary nuccore DocSum field list, the
// <ERROR> element of eSearchResult/eSummaryResult) for eutils.ncbi.nlm.nih.gov.

import assert from 'node:assert/strict';

export type Shape = 'string' | 'number' | 'boolean' | 'digits' | 'any' | Shape[] | { [key: string]: Shape };

/** Asserts `value` has `shape`: every field present with its type; `exact` also forbids other keys at the top level. */
export function assertShape(value: unknown, shape: Shape, path = '$', exact = false): void {
  if (shape === 'any') return;
  if (shape === 'digits') {
    assert.equal(typeof value, 'string', `${path}: string of digits expected`);
    assert.match(value as string, /^\d+$/, `${path}: digits expected, got ${JSON.stringify(value)}`);
    return;
  }
  if (typeof shape === 'string') {
    assert.equal(typeof value, shape, `${path}: ${shape} expected, got ${JSON.stringify(value)?.slice(0, 80)}`);
    return;
  }
  if (Array.isArray(shape)) {
    assert.ok(Array.isArray(value), `${path}: array expected`);
    (value as unknown[]).forEach((v, i) => assertShape(v, shape[0], `${path}[${i}]`));
    return;
  }
  assert.ok(value && typeof value === 'object' && !Array.isArray(value), `${path}: object expected`);
  const obj = value as Record<string, unknown>;
  for (const [k, s] of Object.entries(shape)) {
    assert.ok(k in obj, `${path}.${k} missing (has ${Object.keys(obj).join(', ')})`);
    assertShape(obj[k], s, `${path}.${k}`);
  }
  if (exact) assert.deepEqual(Object.keys(obj), Object.keys(shape), `${path}: exactly these keys, in this order`);
}

/** apiErrAbort: the envelope, then error, statusCode, statusMessage (and nothing else). */
export const UCSC_ERROR: Shape = { downloadTime: 'string', downloadTimeStamp: 'number', error: 'string', statusCode: 'number', statusMessage: 'string' };

/** getSequenceData */
export const UCSC_SEQUENCE: Shape = { downloadTime: 'string', downloadTimeStamp: 'number', genome: 'string', chrom: 'string', start: 'number', end: 'number', dna: 'string' };

/** one columnTypes entry (outputSchema / bigColumnTypes) */
export const UCSC_COLUMN: Shape = { name: 'string', sqlType: 'string', jsonType: 'string', description: 'string' };

/** schemaJsonOutput for a table track: genome, track, dataTime(Stamp), columnTypes, then the trackDb variables */
export const UCSC_SCHEMA: Shape = {
  downloadTime: 'string', downloadTimeStamp: 'number', genome: 'string', track: 'string', dataTime: 'string', dataTimeStamp: 'number',
  columnTypes: [UCSC_COLUMN], shortLabel: 'string', type: 'string', longLabel: 'string', itemCount: 'number',
};

/** getTrackData for a table track with chrom given */
export const UCSC_TRACK_HEAD: Shape = { downloadTime: 'string', downloadTimeStamp: 'number', genome: 'string', dataTime: 'string', dataTimeStamp: 'number', trackType: 'string', track: 'string', chrom: 'string', start: 'number', end: 'number' };

/** E-utilities esearch JSON */
export const ESEARCH: Shape = { header: { type: 'string', version: 'string' }, esearchresult: { count: 'digits', retmax: 'digits', retstart: 'digits', idlist: ['digits'], translationset: 'any', querytranslation: 'string' } };

/** esearch JSON with no hits adds the error and warning lists */
export const ESEARCH_NONE: Shape = {
  header: { type: 'string', version: 'string' },
  esearchresult: { count: 'digits', idlist: ['digits'], errorlist: { phrasesnotfound: ['string'], fieldsnotfound: ['string'] }, warninglist: { phrasesignored: ['string'], quotedphrasesnotfound: ['string'], outputmessages: ['string'] } },
};

/** esummary db=nuccore JSON DocSum (the fields clients read; NCBI sends a few more) */
export const NUCCORE_DOCSUM: Shape = {
  uid: 'digits', caption: 'string', title: 'string', extra: 'string', gi: 'number', createdate: 'string', updatedate: 'string', flags: 'number',
  taxid: 'number', slen: 'number', biomol: 'string', moltype: 'string', topology: 'string', sourcedb: 'string', segsetsize: 'number', projectid: 'number',
  genome: 'string', subtype: 'string', subname: 'string', assemblygi: 'number', assemblyacc: 'string', tech: 'string', completeness: 'string',
  geneticcode: 'string', strand: 'string', organism: 'string', statistics: [{ type: 'string', count: 'number' }], oslt: { indexed: 'boolean', value: 'string' },
  accessionversion: 'string',
};

/** esummary db=gene JSON DocumentSummary (the fields clients read) */
export const GENE_DOCSUM: Shape = {
  uid: 'digits', name: 'string', description: 'string', chromosome: 'string', maplocation: 'string', nomenclaturesymbol: 'string',
  genomicinfo: [{ chrloc: 'string', chraccver: 'string', chrstart: 'number', chrstop: 'number', exoncount: 'number' }],
  organism: { scientificname: 'string', commonname: 'string', taxid: 'number' },
};

/** chromInfoJsonOutput (no track) */
export const UCSC_CHROMOSOMES: Shape = { downloadTime: 'string', downloadTimeStamp: 'number', genome: 'string', dataTime: 'string', dataTimeStamp: 'number', chromCount: 'number', chromosomes: 'any' };

/** getSearchResults / hgPositionsJson */
export const UCSC_SEARCH: Shape = { downloadTime: 'string', downloadTimeStamp: 'number', genome: 'string', positionMatches: [{ name: 'string', description: 'string', matches: [{ position: 'string', posName: 'string' }] }] };

/** jsonDbDb: one object per genome, keyed by its name */
export const UCSC_GENOME_ENTRY: Shape = { description: 'string', nibPath: 'string', organism: 'string', defaultPos: 'string', active: 'number', orderKey: 'number', genome: 'string', scientificName: 'string', htmlPath: 'string', hgNearOk: 'number', hgPbOk: 'number', sourceName: 'string', taxId: 'number' };
