// Live mode without network: literal IPs and a stub resolver exercise the SSRF guard; a stub
// fetch stands in for Tavily.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { BlockedAddressError, isBlockedAddress, liveFetch, tavilySearch, vetUrl, type Resolver } from '../../src/mirror/live.js';
import { createGenomeQaEnvironment } from '../../src/envs/genome-qa/environment.js';
import { InProcessEpisode } from '../../src/agents/genome-qa/episode.js';
import { standardFake } from '../envs/genome-qa/fake-assembly.js';

test('private, loopback, link-local and special addresses are blocked', () => {
  for (const ip of ['127.0.0.1', '10.1.2.3', '172.16.5.4', '172.31.255.255', '192.168.0.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', '224.0.0.1', '255.255.255.255',
    '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::a9fe:a9fe', 'ff02::1', 'not-an-ip']) {
    assert.equal(isBlockedAddress(ip), true, ip);
  }
  for (const ip of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
    assert.equal(isBlockedAddress(ip), false, ip);
  }
});

test('vetUrl checks every resolved address and literal IPs, and refuses odd schemes', async () => {
  const resolver: Resolver = async (host) => ({ 'public.example': ['93.184.216.34'], 'mixed.example': ['93.184.216.34', '10.0.0.5'], 'meta.example': ['169.254.169.254'] })[host] ?? [];
  assert.equal(await vetUrl(new URL('https://public.example/x'), resolver), '93.184.216.34');
  await assert.rejects(vetUrl(new URL('https://mixed.example/x'), resolver), BlockedAddressError);
  await assert.rejects(vetUrl(new URL('http://meta.example/latest/meta-data'), resolver), /private, loopback or link-local/);
  await assert.rejects(vetUrl(new URL('http://127.0.0.1:8080/'), resolver), BlockedAddressError);
  await assert.rejects(vetUrl(new URL('http://[::1]/'), resolver), BlockedAddressError);
  await assert.rejects(vetUrl(new URL('http://2130706433/'), resolver), BlockedAddressError, 'decimal IPv4 is normalised by URL to 127.0.0.1');
  await assert.rejects(vetUrl(new URL('file:///etc/passwd'), resolver), /scheme/);
  await assert.rejects(vetUrl(new URL('http://nothing.example/'), resolver), /does not resolve/);
});

test('liveFetch never connects to a loopback server, even when DNS says so', async () => {
  let hits = 0;
  const server = createServer((_q, r) => {
    hits++;
    r.end('secret');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    await assert.rejects(liveFetch(`http://127.0.0.1:${port}/`), BlockedAddressError);
    await assert.rejects(liveFetch(`http://internal.example:${port}/`, { resolve: async () => ['127.0.0.1'] }), BlockedAddressError);
    assert.equal(hits, 0);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('fetch_url in live mode refuses private targets; offline mode never goes out', async () => {
  const live = createGenomeQaEnvironment({ assembly: standardFake(), liveFetch: true, resolver: async () => ['192.168.1.10'], trainSize: 10 });
  const spec = await live.tasks.get('train', 0);
  const ep = await InProcessEpisode.open(live, spec);
  const r = await ep.call('fetch_url', { url: 'http://router.example/admin' });
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.error : '', /refusing to fetch/);
  const r2 = await ep.call('fetch_url', { url: 'http://169.254.169.254/latest/meta-data/' });
  assert.equal(r2.ok, false);
  const offline = createGenomeQaEnvironment({ assembly: standardFake(), trainSize: 10 });
  const ep2 = await InProcessEpisode.open(offline, await offline.tasks.get('train', 0));
  const r3 = await ep2.call('fetch_url', { url: 'http://169.254.169.254/latest/meta-data/' });
  assert.ok(r3.ok && r3.output.blocks[0].type === 'text' && /not available offline/.test(r3.output.blocks[0].text));
});

test('Tavily search: at most 5 results mapped to title/url/snippet', async () => {
  let sent: any;
  const fetchImpl = (async (url: string, init: RequestInit) => {
    sent = { url, body: JSON.parse(String(init.body)), auth: (init.headers as Record<string, string>).authorization };
    return new Response(JSON.stringify({ results: Array.from({ length: 7 }, (_, i) => ({ title: `t${i}`, url: `https://x/${i}`, content: `c${i}` })) }), { status: 200 });
  }) as unknown as typeof fetch;
  const r = await tavilySearch('MYC gene', 'tvly-key', { fetchImpl });
  assert.equal(r.length, 5);
  assert.deepEqual(r[0], { title: 't0', url: 'https://x/0', snippet: 'c0', page: 'c0' }, 'without raw_content the snippet is the page');
  assert.equal(sent.body.include_raw_content, true);
  assert.equal(sent.url, 'https://api.tavily.com/search');
  assert.equal(sent.body.query, 'MYC gene');
  assert.equal(sent.auth, 'Bearer tvly-key');
});

test('Tavily mode: fetch_url serves every URL web_search returned, from the extracted page text, without going out', async () => {
  const calls: string[] = [];
  const tavilyFetch = (async (url: string) => {
    calls.push(String(url));
    return new Response(JSON.stringify({ results: [
      { title: 'MYC MYC proto-oncogene [Homo sapiens] - Gene - NCBI', url: 'https://www.ncbi.nlm.nih.gov/gene/4609#summary', content: 'snippet', raw_content: 'Gene ID: 4609, updated on ... MYC proto-oncogene, bHLH transcription factor' },
      { title: 'snippet only', url: 'https://example.org/myc', content: 'only a snippet' },
      { title: 'mirrored', url: 'https://api.genome.ucsc.edu/list/chromosomes?genome=fake', content: 'x', raw_content: 'NOT THE MIRROR' },
    ] }), { status: 200 });
  }) as unknown as typeof fetch;
  const env = createGenomeQaEnvironment({ assembly: standardFake(), trainSize: 10, tavilyFetch });
  const ep = await InProcessEpisode.open(env, await env.tasks.get('train', 0), { TAVILY_API_KEY: 'tvly-test' });
  const s = await ep.call('web_search', { query: 'MYC gene id' });
  assert.ok(s.ok);
  assert.deepEqual(calls, ['https://api.tavily.com/search']);
  const urls = (s.output.metadata!.results as { url: string }[]).map((r) => r.url);
  assert.ok(!JSON.stringify(s.output.metadata).includes('bHLH'), 'metadata carries no page text');
  const text = (r: Awaited<ReturnType<typeof ep.call>>) => (r.ok && r.output.blocks[0].type === 'text' ? r.output.blocks[0].text : '');
  for (const url of urls) {
    const r = await ep.call('fetch_url', { url });
    assert.ok(r.ok, url);
    assert.equal(r.output.metadata!.status, 200, url);
  }
  assert.match(text(await ep.call('fetch_url', { url: 'https://www.ncbi.nlm.nih.gov/gene/4609' })), /bHLH transcription factor/);
  assert.equal(text(await ep.call('fetch_url', { url: urls[1] })), 'only a snippet');
  assert.match(text(await ep.call('fetch_url', { url: urls[2] })), /"chromosomes"/, 'mirrored hosts are still answered by the mirror');
  assert.deepEqual(calls, ['https://api.tavily.com/search'], 'fetch_url made no request');
  // a page no search returned stays unavailable; another session does not see this one's pages
  assert.match(text(await ep.call('fetch_url', { url: 'https://www.ncbi.nlm.nih.gov/gene/7157' })), /not available offline/);
  const ep2 = await InProcessEpisode.open(env, await env.tasks.get('train', 1), { TAVILY_API_KEY: 'tvly-test' });
  assert.match(text(await ep2.call('fetch_url', { url: 'https://www.ncbi.nlm.nih.gov/gene/4609' })), /not available offline/);
});
