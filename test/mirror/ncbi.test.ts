import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Mirror } from '../../src/mirror/index.js';
import { reverseComplement } from '../../src/genome/revcomp.js';
import { standardFake } from '../envs/genome-qa/fake-assembly.js';

const asm = standardFake();
const mirror = new Mirror(asm);
const E = 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils';

async function uidOf(symbol: string): Promise<string> {
  const r = JSON.parse((await mirror.fetch(`${E}/esearch.fcgi?db=gene&term=${symbol}[sym]&retmode=json`)).body);
  assert.equal(r.header.type, 'esearch');
  assert.equal(r.esearchresult.count, '1', 'counts are strings');
  return r.esearchresult.idlist[0];
}

test('esearch: symbol field, organism filter, xml default', async () => {
  const uid = await uidOf('ALPHA2');
  assert.match(uid, /^\d+$/);
  const none = JSON.parse((await mirror.fetch(`${E}/esearch.fcgi?db=gene&term=ALPHA2[sym]+AND+mouse[orgn]&retmode=json`)).body);
  assert.equal(none.esearchresult.count, '0');
  const xml = (await mirror.fetch(`${E}/esearch.fcgi?db=gene&term=ALPHA2[sym]`)).body;
  assert.match(xml, new RegExp(`<Id>${uid}</Id>`));
});

test('esearch organism fields as NCBI takes them: [Organism], [Organism:exp], txid, [taxid]', async () => {
  const human = new Mirror({ ...asm, name: 'hg38' } as typeof asm);
  const count = async (term: string) => JSON.parse((await human.fetch(`${E}/esearch.fcgi?db=gene&term=${encodeURIComponent(term)}&retmode=json`)).body).esearchresult.count;
  for (const org of ['Homo sapiens[Organism]', 'human[orgn]', 'txid9606[Organism:exp]', 'txid9606[Organism:noexp]', '9606[taxid]', 'txid9606[Taxonomy ID]']) {
    assert.equal(await count(`ALPHA2[sym] AND ${org}`), '1', org);
  }
  for (const org of ['mouse[Organism]', 'txid10090[Organism:exp]', '10090[taxid]', 'Homo sapiens[taxid]']) {
    assert.equal(await count(`ALPHA2[sym] AND ${org}`), '0', org);
  }
});

test('esummary genomicinfo: 0-based, minus strand reversed', async () => {
  for (const sym of ['ALPHA1', 'ALPHA2']) {
    const g = asm.gene(sym);
    const uid = await uidOf(sym);
    const r = JSON.parse((await mirror.fetch(`${E}/esummary.fcgi?db=gene&id=${uid}&retmode=json`)).body);
    const doc = r.result[uid];
    assert.deepEqual(r.result.uids, [uid]);
    assert.equal(doc.name, sym);
    const gi = doc.genomicinfo[0];
    if (g.strand === '+') assert.deepEqual([gi.chrstart, gi.chrstop], [g.start, g.end - 1]);
    else assert.deepEqual([gi.chrstart, gi.chrstop], [g.end - 1, g.start], 'minus: chrstart is the 5\' end (higher)');
    assert.equal(Math.abs(gi.chrstop - gi.chrstart) + 1, g.end - g.start);
    assert.equal(gi.chrloc, g.chrom.replace('chr', ''));
    assert.ok(doc.maplocation.startsWith(gi.chrloc));
  }
  assert.equal(asm.gene('ALPHA2').strand, '-', 'the fake has a minus-strand gene here');
});

test('efetch nuccore FASTA: 1-based, 70 columns, uppercase, strand 2 header', async () => {
  const plus = (await mirror.fetch(`${E}/efetch.fcgi?db=nuccore&id=GG_900004.1&rettype=fasta&retmode=text&seq_start=1&seq_stop=150`)).body;
  const lines = plus.trim().split('\n');
  assert.equal(lines[0], '>GG_900004.1:1-150 fake chrX (genegym synthetic assembly, not a real organism)');
  assert.equal(lines[1].length, 70);
  assert.equal(lines.slice(1).join(''), (await asm.read('chrX', 0, 150)).toUpperCase());
  const minus = (await mirror.fetch(`${E}/efetch.fcgi?db=nuccore&id=GG_900006.1&rettype=fasta&seq_start=1&seq_stop=20&strand=2`)).body.trim().split('\n');
  assert.match(minus[0], /^>GG_900006\.1:c20-1 /);
  assert.equal(minus[1], reverseComplement('GATCACAGGTCTATCACCCT'));
  const bad = await mirror.fetch(`${E}/efetch.fcgi?db=nuccore&id=NC_999999.1&rettype=fasta`);
  assert.equal(bad.status, 400);
});

test('hg38 naming: GRCh38 accessions and FASTA titles', async () => {
  const hg = new Mirror({ ...asm, name: 'hg38', manifest: { ...asm.manifest, name: 'hg38', synthetic: false } });
  assert.equal(hg.names.accession('chr1'), 'NC_000001.11');
  assert.equal(hg.names.accession('chrX'), 'NC_000023.11');
  assert.equal(hg.names.accession('chrM'), 'NC_012920.1');
  const fa = (await hg.fetch(`${E}/efetch.fcgi?db=nuccore&id=NC_012920.1&rettype=fasta&seq_start=1&seq_stop=20`)).body;
  assert.equal(fa.split('\n')[0], '>NC_012920.1:1-20 Homo sapiens mitochondrion, complete genome');
  const fa2 = (await hg.fetch(`${E}/efetch.fcgi?db=nuccore&id=NC_000002.12&rettype=fasta&seq_start=100001&seq_stop=100010&strand=2`)).body;
  assert.equal(fa2.split('\n')[0], '>NC_000002.12:c100010-100001 Homo sapiens chromosome 2, GRCh38.p14 Primary Assembly');
});

test('web_search index: at most 5 results pointing at mirror URLs', () => {
  const r = mirror.search('ALPHA3 gene location');
  assert.ok(r.length > 0 && r.length <= 5);
  assert.ok(r.every((x) => Mirror.handles(x.url)), 'every result is a page the mirror serves');
  assert.match(r[0].title, /ALPHA3/);
  assert.ok(mirror.search('chrX sequence').some((x) => x.url.includes('chrom=chrX')));
  assert.equal(mirror.search('zzzz qqqq').length, 0);
});

test('esearch terms as people write them: parentheses, alive[prop], quoted symbols, + for spaces', async () => {
  const uid = await uidOf('ALPHA2');
  const human = new Mirror({ ...asm, name: 'hg38' } as typeof asm);
  const ids = async (m: Mirror, q: string) => JSON.parse((await m.fetch(`${E}/esearch.fcgi?db=gene&term=${q}&retmode=json`)).body).esearchresult.idlist;
  const huid = JSON.parse((await human.fetch(`${E}/esearch.fcgi?db=gene&term=ALPHA2[sym]&retmode=json`)).body).esearchresult.idlist[0];
  for (const q of ['(ALPHA2[sym])+AND+(Homo+sapiens[orgn])', 'ALPHA2[sym]+AND+alive[prop]', '%22ALPHA2%22[sym]+AND+human[orgn]+AND+alive[prop]', '((ALPHA2[sym]+AND+txid9606[Organism:exp]))']) {
    assert.deepEqual(await ids(human, q), [huid], q);
  }
  assert.deepEqual(await ids(mirror, 'ALPHA2[sym]+AND+alive[prop]'), [uid]);
  assert.deepEqual(await ids(human, 'ALPHA2[sym]+AND+discontinued[prop]'), [], 'a property the mirror cannot vouch for finds nothing');
});
