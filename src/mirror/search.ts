// The offline web_search: an index over the assembly's genes, cytobands and chromosomes plus
// the two APIs' own help pages, each pointing at a mirror URL. Snippets describe what a page
// holds; they never carry a computed answer.

import type { AssemblyApi } from '../genome/types.js';
import type { Names } from './accessions.js';

export interface SearchResult {
  title: string;
  url: string;
  snippet: string;
}

interface Doc extends SearchResult {
  /** lowercase tokens that identify the page (symbols, band labels, chromosome names) */
  keys: string[];
  words: Set<string>;
}

export const UCSC = 'https://api.genome.ucsc.edu';
export const EUTILS = 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils';
export const DATASETS = 'https://api.ncbi.nlm.nih.gov/datasets/v2';
export const DAS = 'https://genome.ucsc.edu/cgi-bin/das';

const tokenize = (s: string) => s.toLowerCase().split(/[^a-z0-9_.\-]+/).map((w) => w.replace(/^[.\-]+|[.\-]+$/g, '')).filter(Boolean);

export class SearchIndex {
  private docs: Doc[] = [];
  private byKey = new Map<string, Doc[]>();

  constructor(asm: AssemblyApi, names: Names) {
    const g = asm.name;
    const add = (d: SearchResult, keys: string[]) => {
      const doc: Doc = { ...d, keys: keys.map((k) => k.toLowerCase()), words: new Set(tokenize(`${d.title} ${d.snippet}`)) };
      this.docs.push(doc);
      for (const k of doc.keys) {
        if (!this.byKey.has(k)) this.byKey.set(k, []);
        this.byKey.get(k)!.push(doc);
      }
    };
    add({ title: 'UCSC Genome Browser REST API: get DNA sequence', url: `${UCSC}/getData/sequence?genome=${g};chrom=chr1;start=0;end=100`, snippet: 'getData/sequence returns the DNA of genome=, chrom=, start=, end= (0-based, half-open; end exclusive); revComp=1 gives the reverse complement. Sequence is soft-masked (lowercase repeats).' }, ['sequence', 'dna', 'getdata']);
    add({ title: 'UCSC Genome Browser REST API: table schema of a track', url: `${UCSC}/list/schema?genome=${g};track=ncbiRefSeq`, snippet: 'list/schema gives the columns of a track (name, SQL type, JSON type, description) and its item count.' }, ['schema', 'columns', 'track']);
    add({ title: 'UCSC DAS server: DNA of a segment', url: `${DAS}/${g}/dna?segment=chr1:1,100`, snippet: 'DAS dna returns XML with the DNA of segment=chrom:start,stop (1-based, inclusive), lower case; entry_points lists the sequences.' }, ['das', 'dna', 'segment']);
    add({ title: 'NCBI E-utilities: nucleotide records (nuccore)', url: `${EUTILS}/esearch.fcgi?db=nuccore&term=${names.accession(asm.primaryChromosomes()[0] ?? '') ?? ''}&retmode=json`, snippet: 'esearch db=nuccore gives the numeric uid of a chromosome record; esummary db=nuccore&id= gives its accession, title and length (slen); efetch db=nuccore takes the uid or the accession.' }, ['nuccore', 'nucleotide', 'accession', 'esummary']);
    add({ title: 'NCBI Datasets v2: gene reports and genome sequence reports', url: `${DATASETS}/gene/symbol/${names.genes()[0]?.[1].symbol ?? 'SYMBOL'}/taxon/${names.organism.taxid}`, snippet: 'gene/symbol/<symbol>/taxon/<taxon> and gene/id/<id> return gene reports with genomic ranges (1-based, inclusive); genome/accession/<accession>/sequence_reports lists chromosome names, accessions and lengths.' }, ['datasets', 'gene', 'report', 'sequence_reports']);
    add({ title: 'UCSC Genome Browser REST API: list chromosomes and their sizes', url: `${UCSC}/list/chromosomes?genome=${g}`, snippet: `Chromosome names and lengths (bp) of the ${g} assembly, including any alt/fix/random sequences.` }, ['chromosomes', 'chromosome', 'sizes', 'length']);
    add({ title: 'UCSC Genome Browser REST API: list tracks', url: `${UCSC}/list/tracks?genome=${g};trackLeavesOnly=1`, snippet: 'Tracks available for getData/track: cytoBand, ncbiRefSeq, ncbiRefSeqCurated, ncbiRefSeqSelect (RefSeq/MANE Select), refGene.' }, ['tracks', 'track']);
    add({ title: 'UCSC Genome Browser REST API: track data (genes, cytobands)', url: `${UCSC}/getData/track?genome=${g};track=ncbiRefSeqSelect;chrom=chr1;start=0;end=1000000`, snippet: 'getData/track returns the items of a track overlapping chrom:start-end (0-based, half-open). genePred rows carry txStart, txEnd, exonStarts, exonEnds (comma-terminated lists), strand and name2 (gene symbol).' }, ['track', 'genepred', 'exons', 'refseq', 'select', 'mane', 'transcript']);
    add({ title: 'NCBI E-utilities: esearch / esummary / efetch', url: `${EUTILS}/esearch.fcgi?db=gene&term=SYMBOL[sym]&retmode=json`, snippet: 'esearch db=gene finds gene ids (term=SYMBOL[sym]); esummary db=gene&id=...&retmode=json gives genomicinfo (0-based chrstart/chrstop; chrstart > chrstop on the minus strand); efetch db=nuccore&id=ACCESSION&rettype=fasta&seq_start=&seq_stop=&strand=1|2 gives FASTA (1-based, inclusive).' }, ['ncbi', 'eutils', 'esearch', 'esummary', 'efetch', 'gene']);
    add({ title: `Cytogenetic bands of ${g} (UCSC cytoBand track)`, url: `${UCSC}/getData/track?genome=${g};track=cytoBand`, snippet: 'Ideogram bands per chromosome: chrom, chromStart, chromEnd (0-based, half-open), band name and Giemsa stain.' }, ['cytoband', 'band', 'bands', 'ideogram']);

    for (const chrom of asm.primaryChromosomes()) {
      const acc = names.accession(chrom);
      const size = asm.chromSizes().get(chrom);
      add({ title: `${chrom} (${g}) sequence - UCSC`, url: `${UCSC}/getData/sequence?genome=${g};chrom=${chrom}${size && size > 1_000_000 ? ';start=0;end=1000' : ''}`, snippet: `DNA sequence of ${chrom} in ${g}; add start=/end= (0-based, half-open) for a region.` }, [chrom, chrom.replace(/^chr/, '')]);
      if (acc) add({ title: `${acc} ${names.title(chrom)} - NCBI Nucleotide`, url: `${EUTILS}/efetch.fcgi?db=nuccore&id=${acc}&rettype=fasta&retmode=text&seq_start=1&seq_stop=1000`, snippet: `RefSeq sequence record for ${chrom}; efetch with seq_start/seq_stop (1-based, inclusive) and strand=1 (plus) or 2 (minus).` }, [chrom, acc, acc.split('.')[0]]);
      const bands = asm.bands(chrom).filter((b) => b.name);
      if (bands.length) add({ title: `${chrom} cytogenetic bands (${g})`, url: `${UCSC}/getData/track?genome=${g};track=cytoBand;chrom=${chrom}`, snippet: `${bands.length} bands of ${chrom} from the UCSC cytoBand table.` }, [chrom, ...bands.map((b) => `${chrom.replace(/^chr/, '')}${b.name}`)]);
    }
    for (const [uid, gene] of names.genes()) {
      add({ title: `${gene.symbol} - Gene - NCBI (${gene.chrom})`, url: `${EUTILS}/esummary.fcgi?db=gene&id=${uid}&retmode=json`, snippet: `NCBI Gene record ${uid} for ${gene.symbol}: chromosome, map location and genomic coordinates of the gene.` }, [gene.symbol]);
      add({ title: `${gene.symbol} - UCSC Genome Browser search (${g})`, url: `${UCSC}/search?search=${encodeURIComponent(gene.symbol)};genome=${g}`, snippet: `Positions of ${gene.symbol} transcripts in the ncbiRefSeq and ncbiRefSeqSelect tracks.` }, [gene.symbol]);
      add({ title: `${gene.symbol} gene report - NCBI Datasets`, url: `${DATASETS}/gene/id/${uid}`, snippet: `NCBI Datasets v2 gene report for ${gene.symbol}: gene id, chromosome, genomic range and orientation.` }, [gene.symbol]);
      add({ title: `${gene.symbol} RefSeq transcripts (UCSC ncbiRefSeq track)`, url: `${UCSC}/getData/track?genome=${g};track=ncbiRefSeq;chrom=${gene.chrom};start=${gene.start};end=${gene.end}`, snippet: `genePred rows (exons, strand, Select status via the ncbiRefSeqSelect track) overlapping ${gene.symbol}.` }, [gene.symbol]);
    }
  }

  search(query: string, limit = 5): SearchResult[] {
    const toks = tokenize(query);
    const scored = new Map<Doc, number>();
    for (const t of toks) for (const d of this.byKey.get(t) ?? []) scored.set(d, (scored.get(d) ?? 0) + 10);
    for (const d of this.docs) {
      let s = scored.get(d) ?? 0;
      for (const t of toks) if (d.words.has(t)) s += 1;
      if (s > 0) scored.set(d, s);
    }
    return [...scored.entries()]
      .sort((a, b) => b[1] - a[1] || this.docs.indexOf(a[0]) - this.docs.indexOf(b[0]))
      .slice(0, limit)
      .map(([d]) => ({ title: d.title, url: d.url, snippet: d.snippet }));
  }
}
