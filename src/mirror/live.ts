// Live mode. web_search goes to Tavily only when a TAVILY_API_KEY secret is given; live
// fetch_url only when the server was started with an explicit flag. Every live fetch resolves
// the host first, refuses if ANY resolved address is private, loopback, link-local, multicast
// or otherwise non-public, then connects to the vetted address itself (no second lookup, so
// DNS rebinding cannot slip in), and re-checks every redirect hop.

import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { SearchResult } from './search.js';

export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

export class BlockedAddressError extends Error {
  override name = 'BlockedAddressError';
}

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((a, o) => (a << 8) + Number(o), 0) >>> 0;
}

const V4_BLOCKED: [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
];

/** True for any address a server-side fetch must never reach. */
export function isBlockedAddress(ip: string): boolean {
  const kind = isIP(ip);
  if (kind === 4) {
    const x = v4ToInt(ip);
    return V4_BLOCKED.some(([net, bits]) => (x >>> (32 - bits)) === (v4ToInt(net) >>> (32 - bits)));
  }
  if (kind === 6) {
    const full = expandV6(ip);
    if (full === null) return true;
    const mapped = full.slice(0, 5).every((h) => h === 0) && full[5] === 0xffff;
    if (mapped || (full.slice(0, 6).every((h) => h === 0) && (full[6] !== 0 || full[7] > 1))) {
      // ::ffff:a.b.c.d and the deprecated ::a.b.c.d carry an IPv4 address
      return isBlockedAddress(v4Of(full[6], full[7]));
    }
    // ::ffff:0:a.b.c.d (SIIT, IPv4-translated) carries one too
    if (full.slice(0, 4).every((h) => h === 0) && full[4] === 0xffff && full[5] === 0) return isBlockedAddress(v4Of(full[6], full[7]));
    if (full[0] === 0x64 && full[1] === 0xff9b && full.slice(2, 6).every((h) => h === 0)) return isBlockedAddress(v4Of(full[6], full[7])); // 64:ff9b::/96 NAT64
    if (full[0] === 0x64 && full[1] === 0xff9b) return true; // 64:ff9b:1::/48 local-use NAT64 (and the rest of 64:ff9b::/32)
    if (full[0] === 0x2002) return isBlockedAddress(v4Of(full[1], full[2])); // 2002::/16 6to4: the IPv4 is in bits 16-48
    if (full[0] === 0x2001 && full[1] < 0x0200) return true; // 2001::/23 IETF special purpose (Teredo 2001::/32, benchmarking, ORCHID)
    if (full[0] === 0x0100 && full.slice(1, 4).every((h) => h === 0)) return true; // 100::/64 discard
    if (full[0] === 0x3fff && (full[1] & 0xf000) === 0) return true; // 3fff::/20 documentation
    if (full[0] === 0x5f00) return true; // 5f00::/16 SRv6 SIDs
    if (full.every((h) => h === 0)) return true; // ::
    if (full.slice(0, 7).every((h) => h === 0) && full[7] === 1) return true; // ::1
    if ((full[0] & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
    if ((full[0] & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
    if ((full[0] & 0xffc0) === 0xfec0) return true; // fec0::/10 old site-local
    if ((full[0] & 0xff00) === 0xff00) return true; // multicast
    if (full[0] === 0x2001 && full[1] === 0x0db8) return true; // documentation
    return false;
  }
  return true; // not an address at all
}

const v4Of = (hi: number, lo: number): string => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

function expandV6(ip: string): number[] | null {
  let s = ip.split('%')[0];
  const v4 = s.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (v4) {
    const x = v4ToInt(v4[1]);
    s = s.slice(0, -v4[1].length) + `${(x >>> 16).toString(16)}:${(x & 0xffff).toString(16)}`;
  }
  const [head, tail] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  if (s.split('::').length > 2) return null;
  const fill = tail !== undefined ? 8 - h.length - t.length : 0;
  const parts = [...h, ...Array(fill).fill('0'), ...t];
  if (parts.length !== 8) return null;
  const out = parts.map((p) => parseInt(p, 16));
  return out.some((n) => Number.isNaN(n) || n < 0 || n > 0xffff) ? null : out;
}

/** Resolves and vets a URL's host; returns the address to connect to. */
export async function vetUrl(url: URL, resolve: Resolver, blocked: (ip: string) => boolean = isBlockedAddress): Promise<string> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BlockedAddressError(`scheme ${url.protocol} is not allowed`);
  if (url.username || url.password) throw new BlockedAddressError('URLs with credentials are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addrs = isIP(host) ? [host] : await resolve(host);
  if (addrs.length === 0) throw new BlockedAddressError(`${host} does not resolve`);
  const bad = addrs.filter(blocked);
  if (bad.length) throw new BlockedAddressError(`refusing to fetch ${host}: it resolves to a private, loopback or link-local address (${bad.join(', ')})`);
  return addrs[0];
}

export interface LiveFetchOptions {
  resolve?: Resolver;
  /** idle limit: no byte for this long ends the request (default 15000) */
  timeoutMs?: number;
  /** total limit for the whole fetch, DNS and redirects included (default 30000): a slow drip is cut too */
  deadlineMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  /** the address policy (default isBlockedAddress); only tests substitute one, to reach a loopback server */
  isBlocked?: (ip: string) => boolean;
}

export interface LiveReply {
  status: number;
  contentType: string;
  body: string;
  url: string;
}

export class DeadlineError extends Error {
  override name = 'DeadlineError';
}

/** Fetches a public URL, pinned to the vetted address, within a total deadline. */
export async function liveFetch(raw: string, opts: LiveFetchOptions = {}): Promise<LiveReply> {
  const resolve = opts.resolve ?? systemResolver;
  const deadlineMs = opts.deadlineMs ?? 30_000;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new DeadlineError(`gave up after ${deadlineMs} ms (total time limit)`)), deadlineMs);
  const expired = new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true }));
  expired.catch(() => {}); // observed only through the races below
  try {
    let url = new URL(raw);
    for (let hop = 0; hop <= (opts.maxRedirects ?? 5); hop++) {
      const address = await Promise.race([vetUrl(url, resolve, opts.isBlocked), expired]);
      const res = await Promise.race([requestPinned(url, address, opts, abort.signal), expired]);
      if (res.status >= 300 && res.status < 400 && res.location) {
        url = new URL(res.location, url);
        continue;
      }
      return { status: res.status, contentType: res.contentType, body: res.body, url: url.toString() };
    }
    throw new BlockedAddressError('too many redirects');
  } finally {
    clearTimeout(timer);
    abort.abort(new DeadlineError('fetch finished'));
  }
}

function requestPinned(url: URL, address: string, opts: LiveFetchOptions, signal: AbortSignal): Promise<{ status: number; contentType: string; body: string; location?: string }> {
  const mod = url.protocol === 'https:' ? https : http;
  const family = isIP(address);
  return new Promise((resolvePromise, reject) => {
    const req = mod.request(
      url,
      {
        method: 'GET',
        headers: { 'user-agent': 'genegym-genome-qa/0.1', accept: '*/*' },
        timeout: opts.timeoutMs ?? 15_000,
        // the total deadline (and the end of the fetch) destroys the socket
        signal,
        // connect to the address we vetted, whatever DNS says now
        lookup: ((_h: string, o: { all?: boolean }, cb: (...a: unknown[]) => void) =>
          o?.all ? cb(null, [{ address, family }]) : cb(null, address, family)) as unknown as import('node:net').LookupFunction,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > (opts.maxBytes ?? 5_000_000)) {
            req.destroy(new Error('response too large'));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () =>
          resolvePromise({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8'), location: res.headers.location }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** A Tavily result with the page text Tavily extracted (raw_content), when it sent one. */
export interface TavilyResult extends SearchResult {
  page?: string;
}

/**
 * Tavily web search (https://api.tavily.com/search); `fetchImpl` is injectable for tests. It asks
 * for each result's extracted page text too, so fetch_url can serve every URL a search returned
 * without reaching the internet itself.
 */
export async function tavilySearch(query: string, apiKey: string, opts: { fetchImpl?: typeof fetch; limit?: number } = {}): Promise<TavilyResult[]> {
  const f = opts.fetchImpl ?? fetch;
  const res = await f('https://api.tavily.com/search', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query, max_results: opts.limit ?? 5, include_raw_content: true }),
  });
  if (!res.ok) throw new Error(`Tavily search failed: HTTP ${res.status}`);
  const data = (await res.json()) as { results?: { title?: string; url?: string; content?: string; raw_content?: string | null }[] };
  return (data.results ?? []).slice(0, opts.limit ?? 5).map((r) => {
    const out: TavilyResult = { title: r.title ?? '', url: r.url ?? '', snippet: r.content ?? '' };
    const page = typeof r.raw_content === 'string' && r.raw_content ? r.raw_content : r.content;
    if (page) out.page = page;
    return out;
  });
}

/** Pages a session's searches returned, kept so fetch_url can serve them (bounded per session). */
export class SearchedPages {
  private pages = new Map<string, { title: string; text: string }>();
  constructor(private maxPages = 100, private maxChars = 500_000) {}

  static key(url: string): string {
    try {
      const u = new URL(url.trim());
      u.hash = '';
      return u.toString();
    } catch {
      return url.trim();
    }
  }

  remember(results: TavilyResult[]): void {
    for (const r of results) {
      if (!r.url || !r.page) continue;
      const k = SearchedPages.key(r.url);
      this.pages.delete(k);
      this.pages.set(k, { title: r.title, text: r.page.slice(0, this.maxChars) });
      while (this.pages.size > this.maxPages) this.pages.delete(this.pages.keys().next().value!);
    }
  }

  get(url: string): { title: string; text: string } | undefined {
    return this.pages.get(SearchedPages.key(url));
  }
}
