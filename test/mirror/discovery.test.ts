// Agents find the mirrored endpoints the way they would online: the fetch_url description and the
// prompt name every mirrored service, and every URL the offline web_search returns is a page the
// mirror serves with a success status (no result leads to a 4xx/5xx).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGenomeQaEnvironment } from '../../src/envs/genome-qa/environment.js';
import { InProcessEpisode } from '../../src/agents/genome-qa/episode.js';
import { Mirror } from '../../src/mirror/index.js';
import { standardFake } from '../envs/genome-qa/fake-assembly.js';

const ENDPOINTS = ['https://api.genome.ucsc.edu', 'list/schema', 'chromAlias', 'https://genome.ucsc.edu/cgi-bin/das/', 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils/', 'db=nuccore', 'https://api.ncbi.nlm.nih.gov/datasets/v2/', 'sequence_reports'];

test('the fetch_url description and the prompt name every mirrored service', async () => {
  const env = createGenomeQaEnvironment({ assembly: standardFake() });
  const fetchUrl = env.tools.find((t) => t.name === 'fetch_url')!;
  const spec = await env.tasks.get('train', 0);
  const prompt = await (await InProcessEpisode.open(env, spec)).prompt();
  for (const e of ENDPOINTS) {
    assert.ok(fetchUrl.description.includes(e), `fetch_url description names ${e}`);
    assert.ok(prompt.includes(e), `prompt names ${e}`);
  }
});

test('every offline web_search result is served by the mirror with a success status', async () => {
  const asm = standardFake();
  const mirror = new Mirror(asm);
  const queries = ['sequence', 'dna segment das', 'schema columns', 'datasets gene report', 'nuccore accession', 'cytoband', 'tracks', 'chromosomes sizes', ...asm.primaryChromosomes(), ...asm.genes().map((g) => g.symbol)];
  const seen = new Set<string>();
  for (const q of queries) for (const r of mirror.search(q, 5)) seen.add(r.url);
  assert.ok(seen.size > 40);
  for (const host of ['api.genome.ucsc.edu', 'genome.ucsc.edu', 'eutils.ncbi.nlm.nih.gov', 'api.ncbi.nlm.nih.gov']) {
    assert.ok([...seen].some((u) => new URL(u).hostname === host), `search leads to ${host}`);
  }
  for (const url of seen) {
    assert.ok(Mirror.handles(url), url);
    const r = await mirror.fetch(url);
    assert.ok(r.status === 200 || r.status === 206, `${url} -> ${r.status} ${r.body.slice(0, 120)}`);
    if (r.headers?.['X-DAS-Status']) assert.equal(r.headers['X-DAS-Status'], '200', url);
  }
});
