// The offline mirror: routes a URL to the UCSC or NCBI handler, serves web_search from the
// local index, and answers any other host with a clear "not available offline" reply.

import type { AssemblyApi } from '../genome/types.js';
import { Names } from './accessions.js';
import { EutilsMirror } from './ncbi.js';
import { type MirrorReply, text } from './reply.js';
import { SearchIndex, type SearchResult } from './search.js';
import { UcscMirror } from './ucsc.js';

export type { MirrorReply } from './reply.js';
export type { SearchResult } from './search.js';

export const MIRRORED_HOSTS = ['api.genome.ucsc.edu', 'eutils.ncbi.nlm.nih.gov'];

export class Mirror {
  readonly asm: AssemblyApi;
  readonly names: Names;
  private ucsc: UcscMirror;
  private eutils: EutilsMirror;
  private index?: SearchIndex;

  constructor(asm: AssemblyApi, opts: { now?: () => Date } = {}) {
    this.asm = asm;
    this.names = new Names(asm);
    this.ucsc = new UcscMirror(asm, opts.now, this.names);
    this.eutils = new EutilsMirror(asm, this.names);
  }

  static handles(url: string): boolean {
    try {
      return MIRRORED_HOSTS.includes(new URL(url).hostname.toLowerCase());
    } catch {
      return false;
    }
  }

  async fetch(rawUrl: string): Promise<MirrorReply> {
    let url: URL;
    try {
      url = new URL(rawUrl.trim());
    } catch {
      return text(400, `invalid URL: ${JSON.stringify(rawUrl)}`);
    }
    const host = url.hostname.toLowerCase();
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return text(400, `unsupported URL scheme ${url.protocol}`);
    if (host === 'api.genome.ucsc.edu') return this.ucsc.handle(url);
    if (host === 'eutils.ncbi.nlm.nih.gov') {
      if (!url.pathname.startsWith('/entrez/eutils/')) return text(404, `Not Found: ${url.pathname}`);
      return this.eutils.handle(url);
    }
    return text(
      503,
      `${host} is not available offline. This environment runs without internet access and mirrors only ` +
        `https://api.genome.ucsc.edu (getData/sequence, getData/track, list/chromosomes, list/tracks, search) and ` +
        `https://eutils.ncbi.nlm.nih.gov/entrez/eutils/ (esearch, esummary, efetch) for the ${this.asm.name} assembly.`,
    );
  }

  search(query: string, limit = 5): SearchResult[] {
    this.index ??= new SearchIndex(this.asm, this.names);
    return this.index.search(query, limit);
  }
}
