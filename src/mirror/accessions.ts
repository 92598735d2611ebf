// Names the NCBI side of the mirror needs: RefSeq accession.version per chromosome and a
// numeric gene uid per symbol. For hg38 the accessions are GRCh38's own; other assemblies get
// clearly non-RefSeq "GG_" accessions. Gene uids are mirror-local (the assembly files carry no
// NCBI Gene ids): a stable hash of the symbol, so they never change between runs.

import type { AssemblyApi, Gene } from '../genome/types.js';
import { hashString } from '../envs/genome-qa/rng.js';
import { partialChromosomes } from '../genome/import.js';

const GRCH38: Record<string, string> = {
  chr1: 'NC_000001.11', chr2: 'NC_000002.12', chr3: 'NC_000003.12', chr4: 'NC_000004.12', chr5: 'NC_000005.10',
  chr6: 'NC_000006.12', chr7: 'NC_000007.14', chr8: 'NC_000008.11', chr9: 'NC_000009.12', chr10: 'NC_000010.11',
  chr11: 'NC_000011.10', chr12: 'NC_000012.12', chr13: 'NC_000013.11', chr14: 'NC_000014.9', chr15: 'NC_000015.10',
  chr16: 'NC_000016.10', chr17: 'NC_000017.11', chr18: 'NC_000018.10', chr19: 'NC_000019.10', chr20: 'NC_000020.11',
  chr21: 'NC_000021.9', chr22: 'NC_000022.11', chrX: 'NC_000023.11', chrY: 'NC_000024.10', chrM: 'NC_012920.1',
};

export function isGrch38(asm: AssemblyApi): boolean {
  return /^hg38$/i.test(asm.name) || /GRCh38/i.test(asm.manifest.description);
}

export class Names {
  readonly asm: AssemblyApi;
  readonly grch38: boolean;
  private acc = new Map<string, string>();
  private chromOfAcc = new Map<string, string>();
  private uidOf = new Map<string, string>();
  private geneOfUid = new Map<string, Gene>();
  private partial: Map<string, { length: number; fullLength: number }>;

  constructor(asm: AssemblyApi) {
    this.asm = asm;
    this.grch38 = isGrch38(asm);
    this.partial = partialChromosomes(asm.manifest);
    asm.primaryChromosomes().forEach((chrom, i) => {
      // a partial import of a GRCh38 chromosome is not that RefSeq record: it gets a local accession
      const a = this.grch38 && !this.partial.has(chrom) ? GRCH38[chrom] : `GG_${String(900001 + i).padStart(6, '0')}.1`;
      if (!a) return;
      this.acc.set(chrom, a);
      this.chromOfAcc.set(a.toUpperCase(), chrom);
      this.chromOfAcc.set(a.split('.')[0].toUpperCase(), chrom);
    });
    const taken = new Set<string>();
    for (const g of [...asm.genes()].sort((a, b) => (a.symbol < b.symbol ? -1 : 1))) {
      let uid = 100_000_000 + (hashString(`gene|${g.symbol}`) % 800_000_000);
      while (taken.has(String(uid))) uid++;
      taken.add(String(uid));
      this.uidOf.set(g.symbol, String(uid));
      this.geneOfUid.set(String(uid), g);
    }
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
