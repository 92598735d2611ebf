// What the domain generators need from an assembly, computed once and cached: which
// chromosomes have readable sequence, unambiguous genes, band lists. Generators code only
// against AssemblyApi, so the demo assembly, hg38 and the test fakes all work.

import { countBases, type BaseCounts } from '../../genome/sequence-source.js';
import { partialChromosomes } from '../../genome/import.js';
import { UnknownGeneError, type AssemblyApi, type CytoBand, type Gene, type Transcript } from '../../genome/types.js';
import { countSite } from './seq.js';

const NUCLEAR = [...Array.from({ length: 22 }, (_, i) => `chr${i + 1}`), 'chrX', 'chrY'];

export interface SeqChrom {
  chrom: string;
  /** readable length (a fixture may hold only the first part of a chromosome) */
  length: number;
  /** the whole chromosome is readable */
  complete: boolean;
}

/**
 * The assembly as genome-qa sees it: when it has no cytoBand table (a bring-your-own import
 * may not), band lookups answer "no bands" instead of throwing, so only the cytoband
 * questions are left out (the generator names why) and the mirror serves an empty track. An
 * assembly without a gene table likewise answers "no genes", leaving out the gene questions.
 */
export function withOptionalTables(asm: AssemblyApi): AssemblyApi {
  const bands = hasBandTable(asm);
  const genes = hasGeneTable(asm);
  if (bands && genes) return asm;
  return Object.assign(Object.create(Object.getPrototypeOf(asm)), asm, {
    ...(bands ? {} : { bands: () => [], bandAt: () => undefined, bandRange: () => undefined, [NO_BANDS]: true }),
    ...(genes
      ? {}
      : {
          genes: () => [],
          transcripts: () => [],
          transcript: () => undefined,
          gene: (symbol: string) => {
            throw new UnknownGeneError(`assembly ${asm.name} has no gene table (asked for ${symbol})`);
          },
          [NO_GENES]: true,
        }),
  }) as AssemblyApi;
}

const NO_BANDS = Symbol('genome-qa: assembly without cytoBand');
const NO_GENES = Symbol('genome-qa: assembly without genes');

/** Whether the assembly can answer gene lookups. */
export function hasGeneTable(asm: AssemblyApi): boolean {
  if ((asm as unknown as Record<symbol, unknown>)[NO_GENES]) return false;
  try {
    asm.genes();
    return true;
  } catch {
    return false;
  }
}

/** Whether the assembly can answer band lookups (reading its table once). */
export function hasBandTable(asm: AssemblyApi): boolean {
  if ((asm as unknown as Record<symbol, unknown>)[NO_BANDS]) return false;
  try {
    asm.bands();
    return true;
  } catch {
    return false;
  }
}

export class GenContext {
  readonly asm: AssemblyApi;
  private cache = new Map<string, unknown>();
  constructor(asm: AssemblyApi) {
    this.asm = asm;
  }

  memo<T>(key: string, f: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, f());
    return this.cache.get(key) as T;
  }

  /** genome name as the mirror's UCSC API knows it (genome=...) */
  get genome(): string {
    return this.asm.name;
  }

  /** How questions name the assembly. */
  get label(): string {
    return this.asm.manifest.synthetic ? `the synthetic assembly "${this.asm.name}"` : `the ${this.asm.name} assembly`;
  }

  /** Chromosomes an import holds only the first part of: never asked about as a whole. */
  partial(): Set<string> {
    return this.memo('partial', () => new Set(partialChromosomes(this.asm.manifest).keys()));
  }

  /** Primary nuclear chromosomes present in chrom.sizes (chr1-22, X, Y; no chrM), whole ones only. */
  nuclear(): { chrom: string; size: number }[] {
    return this.memo('nuclear', () => {
      const sizes = this.asm.chromSizes();
      return this.asm
        .primaryChromosomes()
        .filter((c) => NUCLEAR.includes(c) && sizes.has(c) && !this.partial().has(c))
        .map((c) => ({ chrom: c, size: sizes.get(c)! }));
    });
  }

  /** Primary chromosomes with readable sequence. */
  seqChroms(): SeqChrom[] {
    return this.memo('seqChroms', () => {
      const sizes = this.asm.chromSizes();
      const out: SeqChrom[] = [];
      for (const chrom of this.asm.primaryChromosomes()) {
        const seqSize = this.asm.sequence.size(chrom);
        const size = sizes.get(chrom);
        if (!seqSize || !size) continue;
        out.push({ chrom, length: Math.min(seqSize, size), complete: seqSize === size && !this.partial().has(chrom) });
      }
      return out;
    });
  }

  /** Chromosomes readable from end to end and at most `maxLength` long (whole-chromosome questions). */
  completeChroms(maxLength: number): SeqChrom[] {
    return this.memo(`complete:${maxLength}`, () => this.seqChroms().filter((c) => c.complete && c.length <= maxLength));
  }

  readable(chrom: string, start: number, end: number): boolean {
    const c = this.seqChroms().find((s) => s.chrom === chrom);
    return !!c && start >= 0 && end <= c.length && start < end;
  }

  /**
   * Base counts of a whole chromosome, computed once per chromosome (from the packed 2bit bytes
   * when the assembly has them) instead of on every attempt of a whole-chromosome question.
   */
  wholeComposition(chrom: string): Promise<BaseCounts> {
    return this.memo(`wholeComp:${chrom}`, () => countBases(this.asm.sequence, chrom));
  }

  /** Occurrences of each site over a whole chromosome, one read per chromosome and site list. */
  wholeSiteCounts(chrom: string, sites: Record<string, string>): Promise<Record<string, number>> {
    return this.memo(`wholeSites:${chrom}:${Object.values(sites).join(',')}`, async () => {
      const seq = await this.readUpper(chrom, 0, this.asm.sequence.size(chrom)!);
      return Object.fromEntries(Object.entries(sites).map(([name, site]) => [name, countSite(seq, site)]));
    });
  }

  async readUpper(chrom: string, start: number, end: number): Promise<string> {
    return (await this.asm.read(chrom, start, end, { softMask: false })).toUpperCase();
  }

  /**
   * Genes a question can name without ambiguity: single-locus (AssemblyApi.genes() already is),
   * a symbol no other gene shares case-insensitively, and a Select/MANE transcript.
   */
  selectGenes(): (Gene & { select: Transcript })[] {
    return this.memo('selectGenes', () => {
      const genes = this.asm.genes();
      const counts = new Map<string, number>();
      for (const g of genes) counts.set(g.symbol.toLowerCase(), (counts.get(g.symbol.toLowerCase()) ?? 0) + 1);
      // transcripts of a symbol that sit elsewhere (other chromosome, second cluster) make it ambiguous
      const txChroms = new Map<string, Set<string>>();
      for (const t of this.asm.transcripts()) {
        if (!t.gene) continue;
        const k = t.gene.toLowerCase();
        if (!txChroms.has(k)) txChroms.set(k, new Set());
        txChroms.get(k)!.add(t.chrom);
      }
      return genes.filter(
        (g): g is Gene & { select: Transcript } =>
          g.select !== null &&
          /^[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9]$/.test(g.symbol) &&
          counts.get(g.symbol.toLowerCase()) === 1 &&
          (txChroms.get(g.symbol.toLowerCase())?.size ?? 0) <= 1 &&
          g.transcripts.every((t) => t.txStart >= g.start && t.txEnd <= g.end),
      );
    });
  }

  /** selectGenes() whose Select transcript's whole span has readable sequence. */
  readableSelectGenes(): (Gene & { select: Transcript })[] {
    return this.memo('readableSelectGenes', () => this.selectGenes().filter((g) => this.readable(g.chrom, g.select.txStart, g.select.txEnd)));
  }

  /** All transcripts of a chromosome sorted by txStart (for "nothing in between" checks). */
  transcriptsOn(chrom: string): Transcript[] {
    return this.memo(`tx:${chrom}`, () =>
      this.asm
        .transcripts()
        .filter((t) => t.chrom === chrom)
        .sort((a, b) => a.txStart - b.txStart),
    );
  }

  /** Named bands of a chromosome, sorted. */
  bandsOf(chrom: string): CytoBand[] {
    return this.memo(`bands:${chrom}`, () =>
      this.asm
        .bands(chrom)
        .filter((b) => b.name !== '')
        .sort((a, b) => a.start - b.start),
    );
  }

  /** Chromosomes with named bands that cover them (chrM's unnamed row excluded). */
  bandedChroms(): string[] {
    return this.memo('bandedChroms', () => this.nuclear().map((c) => c.chrom).filter((c) => this.bandsOf(c).length > 0));
  }
}
