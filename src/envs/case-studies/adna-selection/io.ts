// Reads case 10's files into typed per-locus records, with clear errors on malformed input.

import { numberColumn, stringColumn } from '../framework/tsv.js';
import { readTable } from '../framework/files.js';
import { LOCI, type Base, type DemographyRow, type LocusAlleles, type LocusLabel } from './simulator.js';

export interface LocusRecord {
  generation: Float64Array;
  altReads: Float64Array;
  totalReads: Float64Array;
  seqError: Float64Array;
  sampleYear: Float64Array;
  alleles: LocusAlleles;
}

export interface AdnaData {
  loci: Record<LocusLabel, LocusRecord>;
  demography: DemographyRow[];
}

function base(v: string, what: string): Base {
  if (v !== 'A' && v !== 'C' && v !== 'G' && v !== 'T') throw new Error(`${what}: not a base: ${JSON.stringify(v)}`);
  return v;
}

function readLocus(files: ReadonlyMap<string, Uint8Array>, L: LocusLabel, alleles: LocusAlleles): LocusRecord {
  const t = readTable(files, `locus_${L}.tsv.gz`);
  const rec: LocusRecord = {
    generation: numberColumn(t, 'generation'),
    altReads: numberColumn(t, 'alt_reads'),
    totalReads: numberColumn(t, 'total_reads'),
    seqError: numberColumn(t, 'seq_error'),
    sampleYear: numberColumn(t, 'sample_year'),
    alleles,
  };
  for (let i = 0; i < rec.generation.length; i++) {
    const ok = Number.isInteger(rec.generation[i]) && Number.isInteger(rec.altReads[i]) && Number.isInteger(rec.totalReads[i]) && rec.altReads[i] >= 0 && rec.altReads[i] <= rec.totalReads[i] && rec.seqError[i] >= 0 && rec.seqError[i] < 0.25 + 1e-9 && Number.isFinite(rec.sampleYear[i]);
    if (!ok) throw new Error(`locus_${L}.tsv.gz row ${i + 1}: malformed values`);
  }
  return rec;
}

export function loadAdna(files: ReadonlyMap<string, Uint8Array>): AdnaData {
  const lt = readTable(files, 'loci.tsv.gz');
  const names = stringColumn(lt, 'locus');
  const col = (c: string) => stringColumn(lt, c);
  const [ref, alt, anc, der] = [col('ref_allele'), col('alt_allele'), col('ancestral_allele'), col('derived_allele')];
  const loci = {} as Record<LocusLabel, LocusRecord>;
  for (const L of LOCI) {
    const i = names.indexOf(L);
    if (i < 0) throw new Error(`loci.tsv.gz has no locus ${L}`);
    const al: LocusAlleles = { ref: base(ref[i], `${L} ref`), alt: base(alt[i], `${L} alt`), ancestral: base(anc[i], `${L} ancestral`), derived: base(der[i], `${L} derived`) };
    const pair = new Set([al.ref, al.alt]);
    if (pair.size !== 2 || !pair.has(al.ancestral) || !pair.has(al.derived) || al.ancestral === al.derived) throw new Error(`locus ${L}: ancestral/derived alleles do not match ref/alt`);
    loci[L] = readLocus(files, L, al);
  }
  const dt = readTable(files, 'demography.tsv.gz');
  const [gs, ge, ne] = [numberColumn(dt, 'generation_start'), numberColumn(dt, 'generation_end'), numberColumn(dt, 'Ne')];
  const demography: DemographyRow[] = [];
  for (let i = 0; i < gs.length; i++) {
    if (!(Number.isInteger(gs[i]) && Number.isInteger(ge[i]) && ge[i] >= gs[i] && ne[i] >= 1)) throw new Error(`demography.tsv.gz row ${i + 1}: malformed values`);
    demography.push({ start: gs[i], end: ge[i], ne: ne[i] });
  }
  return { loci, demography };
}
