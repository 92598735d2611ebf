// The offline mirror: routes a URL to the UCSC REST API, UCSC DAS, NCBI E-utilities or NCBI
// Datasets v2 handler, serves web_search from the local index, and answers any other page with a
// clear "not available offline" reply that names what is mirrored.

import type { AssemblyApi } from '../genome/types.js';
import { Names } from './accessions.js';
import { DasMirror } from './das.js';
import { DatasetsMirror } from './datasets.js';
import { EutilsMirror } from './ncbi.js';
import { type MirrorReply, text } from './reply.js';
import { SearchIndex, type SearchResult } from './search.js';
import { UcscMirror } from './ucsc.js';

export type { MirrorReply } from './reply.js';
export type { SearchResult } from './search.js';

export const MIRRORED_HOSTS = ['api.genome.ucsc.edu', 'eutils.ncbi.nlm.nih.gov', 'api.ncbi.nlm.nih.gov', 'genome.ucsc.edu'];

/** host -> the path prefix the mirror answers there ('' = the whole host) */
const MIRRORED_PATHS: Record<string, string> = {
  'api.genome.ucsc.edu': '',
  'eutils.ncbi.nlm.nih.gov': '',
  'api.ncbi.nlm.nih.gov': '/datasets/',
  'genome.ucsc.edu': '/cgi-bin/das',
};

export class Mirror {
  readonly asm: AssemblyApi;
  readonly names: Names;
  private ucsc: UcscMirror;
  private eutils: EutilsMirror;
  private datasets: DatasetsMirror;
  private das: DasMirror;
  private index?: SearchIndex;

  constructor(asm: AssemblyApi, opts: { now?: () => Date } = {}) {
    this.asm = asm;
    this.names = new Names(asm);
    this.ucsc = new UcscMirror(asm, opts.now, this.names);
    this.eutils = new EutilsMirror(asm, this.names);
    this.datasets = new DatasetsMirror(asm, this.names);
    this.das = new DasMirror(asm, this.names);
  }

  /** True for URLs the mirror answers (whole hosts, or the DAS / Datasets paths of shared hosts). */
  static handles(url: string): boolean {
    try {
      const u = new URL(url);
      const prefix = MIRRORED_PATHS[u.hostname.toLowerCase()];
      return prefix !== undefined && u.pathname.startsWith(prefix);
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
    if (host === 'api.ncbi.nlm.nih.gov' && url.pathname.startsWith('/datasets/')) return this.datasets.handle(url);
    if (host === 'genome.ucsc.edu' && url.pathname.startsWith('/cgi-bin/das')) return this.das.handle(url);
    return text(503, `${host}${url.pathname} is not available offline. This environment runs without internet access and mirrors only ${MIRRORED_SUMMARY} for the ${this.asm.name} assembly.`);
  }

  search(query: string, limit = 5): SearchResult[] {
    this.index ??= new SearchIndex(this.asm, this.names);
    return this.index.search(query, limit);
  }
}

/** What the mirror serves, in the words the environment's prompt and tool descriptions use. */
export const MIRRORED_SUMMARY =
  'https://api.genome.ucsc.edu (getData/sequence, getData/track, list/chromosomes, list/tracks, list/schema, list/ucscGenomes, search; ' +
  'chrom= also takes chromAlias names such as 8, NC_000008.11 or CM000670.2), ' +
  'https://genome.ucsc.edu/cgi-bin/das/<genome>/dna?segment=chr1:1,100 (DAS DNA), ' +
  'https://eutils.ncbi.nlm.nih.gov/entrez/eutils/ (esearch, esummary, efetch for db=gene and db=nuccore) and ' +
  'https://api.ncbi.nlm.nih.gov/datasets/v2/ (gene/symbol/<symbol>/taxon/<taxon>, gene/id/<id>, genome/accession/<accession>/sequence_reports)';
