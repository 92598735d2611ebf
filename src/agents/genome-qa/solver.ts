// A scripted agent that answers genome-qa questions using only what the environment's tools
// return: web_search to find the mirror pages, fetch_url to read them (following next_offset),
// and arithmetic on the replies. It never looks at the answer key. It proves every generated
// question is solvable from the tools alone, and doubles as a worked example of each domain.

import type { GenomeQaEnvironment } from '../../envs/genome-qa/environment.js';
import type { JsonObject } from '../../ors/types.js';
import { GC_DECIMALS } from '../../envs/genome-qa/domains/gc_content.js';
import { InProcessEpisode, submit, type AgentResult } from './episode.js';

const UCSC = 'https://api.genome.ucsc.edu';
const EUTILS = 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils';

interface GenePredRow {
  name: string;
  chrom: string;
  strand: string;
  txStart: number;
  txEnd: number;
  exonStarts: string;
  exonEnds: string;
  name2: string;
}

class SolverError extends Error {}

class Tools {
  constructor(
    private ep: InProcessEpisode,
    readonly genome: string,
  ) {}

  /** The whole body of a URL, following next_offset. */
  async fetch(url: string): Promise<{ status: number; body: string }> {
    let body = '';
    let offset: number | null = 0;
    let status = 0;
    while (offset !== null) {
      const r = await this.ep.call('fetch_url', offset === 0 ? { url } : { url, offset });
      if (!r.ok) throw new SolverError(`fetch_url failed: ${r.error}`);
      const meta = r.output.metadata as JsonObject;
      const first = r.output.blocks[0];
      body += first.type === 'text' ? first.text : '';
      status = Number(meta.status);
      offset = meta.next_offset === null ? null : Number(meta.next_offset);
    }
    return { status, body };
  }

  async json(url: string): Promise<any> {
    const { status, body } = await this.fetch(url);
    if (status >= 400) throw new SolverError(`HTTP ${status} for ${url}: ${body.slice(0, 200)}`);
    return JSON.parse(body);
  }

  async search(query: string): Promise<{ title: string; url: string; snippet: string }[]> {
    const r = await this.ep.call('web_search', { query });
    if (!r.ok) throw new SolverError(r.error);
    return ((r.output.metadata as JsonObject).results as { title: string; url: string; snippet: string }[]) ?? [];
  }

  /** Forward-strand uppercase sequence of 0-based [start, end) from UCSC getData/sequence. */
  async sequence(chrom: string, start: number, end: number): Promise<string> {
    const r = await this.json(`${UCSC}/getData/sequence?genome=${this.genome};chrom=${chrom};start=${start};end=${end}`);
    return String(r.dna).toUpperCase();
  }

  async chromSizes(): Promise<Record<string, number>> {
    return (await this.json(`${UCSC}/list/chromosomes?genome=${this.genome}`)).chromosomes;
  }

  async bands(chrom: string, start?: number, end?: number): Promise<{ chrom: string; chromStart: number; chromEnd: number; name: string }[]> {
    const range = start === undefined ? '' : `;start=${start};end=${end}`;
    return (await this.json(`${UCSC}/getData/track?genome=${this.genome};track=cytoBand;chrom=${chrom}${range}`)).cytoBand;
  }

  /** The gene's Select transcript: find its position with web_search + UCSC search, then read the ncbiRefSeqSelect row. */
  async selectTranscript(gene: string): Promise<GenePredRow> {
    const hits = await this.search(`${gene} gene`);
    const searchUrl = hits.find((h) => h.url.includes('/search?'))?.url ?? `${UCSC}/search?search=${encodeURIComponent(gene)};genome=${this.genome}`;
    const found = await this.json(searchUrl);
    const sel = (found.positionMatches as { name: string; matches: { position: string; posName: string }[] }[]).find((m) => m.name === 'ncbiRefSeqSelect');
    if (!sel) throw new SolverError(`no Select transcript found for ${gene}`);
    const m = sel.matches[0].position.match(/^(chr\w+):(\d+)-(\d+)$/)!;
    const rows: GenePredRow[] = (await this.json(`${UCSC}/getData/track?genome=${this.genome};track=ncbiRefSeqSelect;chrom=${m[1]};start=${Number(m[2]) - 1};end=${m[3]}`)).ncbiRefSeqSelect;
    const row = rows.find((r) => r.name2 === gene);
    if (!row) throw new SolverError(`Select row for ${gene} missing`);
    return row;
  }

  /** NCBI Gene extent: esearch SYMBOL[sym] -> esummary genomicinfo (0-based, minus strand reversed). */
  async geneExtent(gene: string): Promise<{ chrom: string; start0: number; end0: number; maplocation: string }> {
    const s = await this.json(`${EUTILS}/esearch.fcgi?db=gene&term=${encodeURIComponent(`${gene}[sym]`)}&retmode=json`);
    const ids: string[] = s.esearchresult.idlist;
    if (ids.length !== 1) throw new SolverError(`esearch for ${gene} gave ${ids.length} ids`);
    const sum = await this.json(`${EUTILS}/esummary.fcgi?db=gene&id=${ids[0]}&retmode=json`);
    const doc = sum.result[ids[0]];
    const gi = doc.genomicinfo[0];
    const lo = Math.min(gi.chrstart, gi.chrstop);
    const hi = Math.max(gi.chrstart, gi.chrstop);
    return { chrom: `chr${gi.chrloc}`, start0: lo, end0: hi + 1, maplocation: doc.maplocation };
  }
}

const exons = (r: GenePredRow): [number, number][] => {
  const s = r.exonStarts.split(',').filter(Boolean).map(Number);
  const e = r.exonEnds.split(',').filter(Boolean).map(Number);
  const list = s.map((x, i) => [x, e[i]] as [number, number]);
  return r.strand === '-' ? list.reverse() : list;
};
const revcomp = (s: string) => [...s].reverse().map((c) => ({ A: 'T', C: 'G', G: 'C', T: 'A', N: 'N' })[c] ?? c).join('');
const count = (seq: string, site: string) => {
  let n = 0;
  for (let i = seq.indexOf(site); i !== -1; i = seq.indexOf(site, i + 1)) n++;
  return n;
};
const num = (s: string) => Number(s.replace(/,/g, ''));

function region(q: string): { chrom: string; start: number; end: number } {
  const m = q.match(/(chr\w+):([\d,]+)-([\d,]+)/);
  if (!m) throw new SolverError('no region in question');
  return { chrom: m[1], start: num(m[2]) - 1, end: num(m[3]) };
}

function geneOf(q: string): string {
  // templates write "gene SYMBOL", or open with "Gene SYMBOL (assembly): ..."
  const m = q.match(/^Gene ([A-Za-z0-9][A-Za-z0-9_.-]*) \(/) ?? q.match(/\bgene ([A-Za-z0-9][A-Za-z0-9_.-]*)/);
  if (!m) throw new SolverError('no gene in question');
  return m[1].replace(/[.]+$/, '');
}

function keysOf(q: string): string[] {
  const m = q.match(/JSON object: \{(.*)\}\.?\s*$/);
  if (!m) throw new SolverError('no answer format in question');
  return [...m[1].matchAll(/"([^"]+)":/g)].map((x) => x[1]);
}

function wholeChrom(q: string): string | null {
  const m = q.match(/(?:whole of|entire sequence of|complete sequence of) (chr\w+)/);
  return m ? m[1] : null;
}

async function solve(t: Tools, domain: string, q: string): Promise<Record<string, string>> {
  const keys = keysOf(q);
  switch (domain) {
    case 'reference_sequence': {
      if (/exon/.test(q)) {
        const row = await t.selectTranscript(geneOf(q));
        const k = Number((q.match(/exon (\d+)\b/) ?? q.match(/the (\d+)(?:st|nd|rd|th) exon/))![1]);
        const len = Number((q.match(/first (\d+) bases/) ?? q.match(/the (\d+) bases that start/))![1]);
        const [s, e] = exons(row)[k - 1];
        const seq = row.strand === '+' ? await t.sequence(row.chrom, s, s + len) : revcomp(await t.sequence(row.chrom, e - len, e));
        return { reference_sequence: seq };
      }
      const r = region(q);
      const seq = await t.sequence(r.chrom, r.start, r.end);
      return { reference_sequence: /minus \(reverse\) strand/.test(q) ? revcomp(seq) : seq };
    }
    case 'gc_content':
    case 'nucleotide_composition':
    case 'sequence_motif': {
      let seq: string;
      const whole = wholeChrom(q);
      if (whole) seq = (await t.json(`${UCSC}/getData/sequence?genome=${t.genome};chrom=${whole}`)).dna.toUpperCase();
      else if (/\bgene [A-Za-z0-9]/.test(q)) {
        const row = await t.selectTranscript(geneOf(q));
        seq = await t.sequence(row.chrom, row.txStart, row.txEnd);
      } else {
        const r = region(q);
        seq = await t.sequence(r.chrom, r.start, r.end);
      }
      const c = { A: count(seq, 'A'), C: count(seq, 'C'), G: count(seq, 'G'), T: count(seq, 'T'), N: count(seq, 'N') };
      if (domain === 'gc_content') return { gc_content: ((c.G + c.C) / (c.A + c.C + c.G + c.T)).toFixed(GC_DECIMALS) };
      if (domain === 'sequence_motif') {
        const site = q.match(/recognition sites \(([ACGT]+);/)![1];
        return { motif_count: String(count(seq, site)) };
      }
      if (keys.includes('cpg_count')) return { cpg_count: String(count(seq, 'CG')) };
      if (keys.includes('count')) {
        const base = (q.match(/How many ([ACGT]) bases/) ?? q.match(/occurrences of the base ([ACGT])/))![1] as 'A';
        return { count: String(c[base]) };
      }
      return Object.fromEntries(keys.map((k) => [k, String(c[k as keyof typeof c])]));
    }
    case 'gene_genomic_span': {
      const gene = geneOf(q);
      if (keys.includes('start')) {
        const g = await t.geneExtent(gene);
        return { chrom: g.chrom, start: String(g.start0 + 1), end: String(g.end0) };
      }
      if (/Select/.test(q)) {
        const row = await t.selectTranscript(gene);
        return { span_bp: String(row.txEnd - row.txStart) };
      }
      const g = await t.geneExtent(gene);
      return { span_bp: String(g.end0 - g.start0) };
    }
    case 'chromosome_stats': {
      const sizes = await t.chromSizes();
      const mentioned = [...q.matchAll(/\b(chr(?:\d+|X|Y|M))\b/g)].map((m) => m[1]);
      if (keys.includes('rank')) {
        const target = (q.match(/rank does (chr\w+) have/) ?? q.match(/rank is (chr\w+)/))![1];
        const nuclear = Object.entries(sizes).filter(([c]) => /^chr(\d+|X|Y)$/.test(c));
        return { rank: String(1 + nuclear.filter(([, s]) => s > sizes[target]).length) };
      }
      if (keys.includes('length_bp')) return { length_bp: String(sizes[mentioned[0]]) };
      if (keys.includes('difference_bp')) return { difference_bp: String(sizes[mentioned[0]] - sizes[mentioned[1]]) };
      for (const which of ['longest', 'shortest'] as const) {
        if (!keys.includes(`${which}_chromosome`)) continue;
        const set = [...new Set(mentioned)].sort((a, b) => (which === 'longest' ? sizes[b] - sizes[a] : sizes[a] - sizes[b]));
        return { [`${which}_chromosome`]: set[0] };
      }
      if (keys.includes('longer_chromosome')) return { longer_chromosome: sizes[mentioned[0]] > sizes[mentioned[1]] ? mentioned[0] : mentioned[1] };
      return { total_bp: String([...new Set(mentioned)].reduce((a, c) => a + sizes[c], 0)) };
    }
    case 'cytoband_mapping': {
      if (keys.includes('start')) {
        const on = q.match(/band (\S+) \(on (chr\w+)\)/);
        const covers = q.match(/bases of (chr\w+) does band (\S+) cover/);
        const m = on ? [on[0], on[1], on[2]] : [covers![0], covers![2], covers![1]];
        const chrom = m[2];
        const name = m[1].slice(chrom.replace(/^chr/, '').length);
        const b = (await t.bands(chrom)).find((x) => x.name === name)!;
        return { start: String(b.chromStart + 1), end: String(b.chromEnd) };
      }
      if (/\bgene [A-Za-z0-9]/.test(q)) {
        const g = await t.geneExtent(geneOf(q));
        const [b] = await t.bands(g.chrom, g.start0, g.start0 + 1);
        return { cytoband: `${g.chrom.replace(/^chr/, '')}${b.name}` };
      }
      const m = q.match(/position (chr\w+):([\d,]+)/) ?? q.match(/base ([\d,]+) of (chr\w+)/)!;
      const [chrom, pos1] = m[1].startsWith('chr') ? [m[1], num(m[2])] : [m[2], num(m[1])];
      const [b] = await t.bands(chrom, pos1 - 1, pos1);
      return { cytoband: `${chrom.replace(/^chr/, '')}${b.name}` };
    }
    case 'intergenic_distance': {
      const m = q.match(/Genes (\S+) and (\S+) are neighbours/) ?? q.match(/between gene (\S+) and the next gene along chr\w+, gene (\S+?)\?/)!;
      const [a, b] = [m[1], m[2]];
      if (/Select transcript/.test(q)) {
        const [ra, rb] = [await t.selectTranscript(a), await t.selectTranscript(b)];
        return { distance_bp: String(rb.txStart - ra.txEnd) };
      }
      const [ga, gb] = [await t.geneExtent(a), await t.geneExtent(b)];
      return { distance_bp: String(gb.start0 - ga.end0) };
    }
    case 'exon_properties': {
      const row = await t.selectTranscript(geneOf(q));
      const lens = exons(row).map(([s, e]) => e - s);
      const out: Record<string, string> = {};
      for (const k of keys) {
        if (k === 'exon_count') out[k] = String(lens.length);
        else if (k === 'exon_length') out[k] = String(lens[Number((q.match(/exon (\d+) of/) ?? q.match(/its (\d+)(?:st|nd|rd|th) exon/) ?? q.match(/the (\d+)(?:st|nd|rd|th) exon/))![1]) - 1]);
        else if (k === 'longest_exon_bp') out[k] = String(Math.max(...lens));
        else if (k === 'exonic_bp') out[k] = String(lens.reduce((x, y) => x + y, 0));
      }
      return out;
    }
    case 'coding_noncoding_ratio': {
      const row = await t.selectTranscript(geneOf(q));
      const span = row.txEnd - row.txStart;
      const exonic = exons(row).reduce((a, [s, e]) => a + e - s, 0);
      return keys.includes('exonic_percent') ? { exonic_percent: ((100 * exonic) / span).toFixed(2) } : { intronic_percent: ((100 * (span - exonic)) / span).toFixed(2) };
    }
  }
  throw new SolverError(`unknown domain ${domain}`);
}

/** Runs the tool-only solver on one task. */
export async function runToolSolver(env: GenomeQaEnvironment, split: string, index: number, onEpisode?: (ep: InProcessEpisode) => void): Promise<AgentResult> {
  const spec = await env.tasks.get(split, index);
  const ep = await InProcessEpisode.open(env, spec);
  onEpisode?.(ep);
  try {
    const prompt = await ep.prompt();
    const genome = prompt.match(/UCSC genome name: ([\w.-]+)/)?.[1];
    if (!genome) throw new SolverError('prompt does not name the genome');
    const tools = new Tools(ep, genome);
    let answer: Record<string, string>;
    try {
      answer = await solve(tools, String(spec.domain), String(spec.question));
    } catch (err) {
      if (!(err instanceof SolverError) && !(err instanceof TypeError)) throw err;
      return { taskId: String(spec.id), domain: String(spec.domain), reward: 0, verdict: 'unsolved', calls: ep.calls, submitted: null, error: err.message };
    }
    return await submit(ep, answer, 'computed from UCSC/NCBI replies fetched with fetch_url');
  } finally {
    await ep.close();
  }
}
