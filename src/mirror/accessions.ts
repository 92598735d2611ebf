// Names both sides of the mirror need: RefSeq accession.version, GenBank accession and nuccore
// uid (GI) per chromosome, the chromAlias table UCSC resolves chrom= through, and a numeric gene
// uid per symbol. For hg38 the accessions and GIs are GRCh38's own; other assemblies get clearly
// non-RefSeq "GG_" accessions and local uids. Gene uids are the real NCBI Gene ids where the
// annotation carries them (ncbiRefSeqLink, GFF GeneID); otherwise a stable hash of the symbol.

import type { AssemblyApi, Gene } from '../genome/types.js';
import { hashString } from '../envs/genome-qa/rng.js';
import { partialChromosomes } from '../genome/import.js';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseChromAlias } from '../genome/chrom-alias.js';
import { readTextFileSync } from '../genome/text-file.js';
import { geneIdOf, loadGeneIds, type GeneInfo } from './gene-ids.js';

const GRCH38: Record<string, string> = {
  chr1: 'NC_000001.11', chr2: 'NC_000002.12', chr3: 'NC_000003.12', chr4: 'NC_000004.12', chr5: 'NC_000005.10',
  chr6: 'NC_000006.12', chr7: 'NC_000007.14', chr8: 'NC_000008.11', chr9: 'NC_000009.12', chr10: 'NC_000010.11',
  chr11: 'NC_000011.10', chr12: 'NC_000012.12', chr13: 'NC_000013.11', chr14: 'NC_000014.9', chr15: 'NC_000015.10',
  chr16: 'NC_000016.10', chr17: 'NC_000017.11', chr18: 'NC_000018.10', chr19: 'NC_000019.10', chr20: 'NC_000020.11',
  chr21: 'NC_000021.9', chr22: 'NC_000022.11', chrX: 'NC_000023.11', chrY: 'NC_000024.10', chrM: 'NC_012920.1',
};

/** GenBank (INSDC) accessions of the GRCh38 primary chromosomes: CM000663.2 (chr1) .. CM000686.2 (chrY), J01415.2 (chrM). */
function grch38GenBank(chrom: string): string | undefined {
  if (chrom === 'chrM') return 'J01415.2';
  const n = chrom === 'chrX' ? 23 : chrom === 'chrY' ? 24 : Number(chrom.replace(/^chr/, ''));
  return Number.isInteger(n) && n >= 1 && n <= 24 ? `CM000${662 + n}.2` : undefined;
}

/** nuccore uids (GIs) of the GRCh38 RefSeq chromosomes: chr1 568815597 down to chrY 568815574; chrM 251831106. */
function grch38Gi(chrom: string): string | undefined {
  if (chrom === 'chrM') return '251831106';
  const n = chrom === 'chrX' ? 23 : chrom === 'chrY' ? 24 : Number(chrom.replace(/^chr/, ''));
  return Number.isInteger(n) && n >= 1 && n <= 24 ? String(568815598 - n) : undefined;
}

export function isGrch38(asm: AssemblyApi): boolean {
  return /^hg38$/i.test(asm.name) || /GRCh38/i.test(asm.manifest.description);
}

export class Names {
  readonly asm: AssemblyApi;
  readonly grch38: boolean;
  private acc = new Map<string, string>();
  private genbankAcc = new Map<string, string>();
  private gi = new Map<string, string>();
  private chromOfAcc = new Map<string, string>();
  private chromOfGi = new Map<string, string>();
  /** lowercased alias -> native chromosome name (UCSC chromAlias, plus case-insensitive native names) */
  private alias = new Map<string, string>();
  /** where real gene ids came from ('' = local hashes only) */
  readonly geneIdSource: string;
  private info = new Map<string, GeneInfo>();
  private uidOf = new Map<string, string>();
  private geneOfUid = new Map<string, Gene>();
  private partial: Map<string, { length: number; fullLength: number }>;

  constructor(asm: AssemblyApi) {
    this.asm = asm;
    this.grch38 = isGrch38(asm);
    this.partial = partialChromosomes(asm.manifest);
    for (const chrom of asm.chromSizes().keys()) this.alias.set(chrom.toLowerCase(), chrom);
    asm.primaryChromosomes().forEach((chrom, i) => {
      // a partial import of a GRCh38 chromosome is not that RefSeq record: it gets a local accession
      const real = this.grch38 && !this.partial.has(chrom);
      const a = real ? GRCH38[chrom] : `GG_${String(900001 + i).padStart(6, '0')}.1`;
      if (!a) return;
      const gi = (real ? grch38Gi(chrom) : undefined) ?? String(900_000_001 + i);
      const gb = real ? grch38GenBank(chrom) : undefined;
      this.acc.set(chrom, a);
      this.gi.set(chrom, gi);
      this.chromOfGi.set(gi, chrom);
      this.chromOfAcc.set(a.toUpperCase(), chrom);
      this.chromOfAcc.set(a.split('.')[0].toUpperCase(), chrom);
      // chromAlias as UCSC has it for hg38: Ensembl/GRC short name ("8", "X", "MT"), RefSeq and GenBank accession.version
      const short = chrom === 'chrM' && this.grch38 ? 'MT' : chrom.replace(/^chr/, '');
      for (const name of [short, a, gb]) if (name && !this.alias.has(name.toLowerCase())) this.alias.set(name.toLowerCase(), chrom);
      // GenBank's CM0006xx record is a different nuccore entry (own GI and title): UCSC alias only
      if (gb) this.genbankAcc.set(chrom, gb);
    });
    // the assembly's own chromAlias table (fetched with it) names every sequence, alts and randoms too
    const aliasFile = chromAliasFile(asm);
    if (aliasFile) {
      const sizes = asm.chromSizes();
      for (const row of parseChromAlias(readTextFileSync(aliasFile), aliasFile)) {
        if (!sizes.has(row.chrom) || this.partial.has(row.chrom)) continue;
        const k = row.alias.toLowerCase();
        if (!this.alias.has(k)) this.alias.set(k, row.chrom);
      }
    }
    const ids = loadGeneIds(asm);
    this.geneIdSource = ids.source;
    this.info = ids.info;
    const taken = new Set<string>();
    const genes = [...asm.genes()].sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
    const local: Gene[] = [];
    for (const g of genes) {
      const id = geneIdOf(g, ids);
      if (id && !taken.has(id)) {
        taken.add(id);
        this.uidOf.set(g.symbol, id);
        this.geneOfUid.set(id, g);
      } else local.push(g);
    }
    for (const g of local) {
      let uid = 100_000_000 + (hashString(`gene|${g.symbol}`) % 800_000_000);
      while (taken.has(String(uid))) uid++;
      taken.add(String(uid));
      this.uidOf.set(g.symbol, String(uid));
      this.geneOfUid.set(String(uid), g);
    }
  }

  /** The native chromosome name for `name` (itself, any case, or a chromAlias name), as UCSC's hgOfficialChromName resolves it. */
  resolveChrom(name: string): string | undefined {
    return this.alias.get(name.trim().toLowerCase());
  }
  /** nuccore uid (GI) of a chromosome's record */
  nuccoreUid(chrom: string): string | undefined {
    return this.gi.get(chrom);
  }
  genbank(chrom: string): string | undefined {
    return this.genbankAcc.get(chrom);
  }
  /** A nuccore id as efetch/esummary take it: accession.version, accession without version, or numeric uid. */
  chromOfNuccoreId(id: string): string | undefined {
    const s = id.trim();
    return /^\d+$/.test(s) ? this.chromOfGi.get(s) : this.chromOf(s);
  }

  accession(chrom: string): string | undefined {
    return this.acc.get(chrom);
  }
  chromOf(accession: string): string | undefined {
    return this.chromOfAcc.get(accession.trim().toUpperCase());
  }
  uid(symbol: string): string | undefined {
    return this.uidOf.get(symbol);
  }
  /** description and synonyms of a real Gene id, when the annotation states them */
  geneInfo(uid: string): GeneInfo | undefined {
    return this.info.get(uid);
  }
  gene(uid: string): Gene | undefined {
    return this.geneOfUid.get(uid);
  }
  genes(): [string, Gene][] {
    return [...this.geneOfUid.entries()];
  }

  /** "Homo sapiens chromosome 17, GRCh38.p14 Primary Assembly" and the like */
  title(chrom: string): string {
    const part = this.partial.get(chrom);
    if (part) return `${this.asm.name} ${chrom}, bases 1-${part.length} only (partial import of a ${part.fullLength} bp chromosome)`;
    if (this.grch38) {
      if (chrom === 'chrM') return 'Homo sapiens mitochondrion, complete genome';
      return `Homo sapiens chromosome ${chrom.replace(/^chr/, '')}, GRCh38.p14 Primary Assembly`;
    }
    return `${this.asm.name} ${chrom} (genegym synthetic assembly, not a real organism)`;
  }

  get organism(): { scientificname: string; commonname: string; taxid: number } {
    return this.grch38
      ? { scientificname: 'Homo sapiens', commonname: 'human', taxid: 9606 }
      : { scientificname: `synthetic ${this.asm.name}`, commonname: 'synthetic', taxid: 0 };
  }
}

function chromAliasFile(asm: AssemblyApi): string | undefined {
  const recorded = asm.manifest.files?.chromAlias?.path;
  const candidates = [recorded ? resolve(asm.dir, recorded) : '', join(asm.dir, 'chromAlias.txt'), join(asm.dir, 'chromAlias.txt.gz')];
  return candidates.find((p) => p && existsSync(p));
}
