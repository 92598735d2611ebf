// Reads case 9's files (tracts.tsv.gz, chromosomes.tsv.gz) into per-haplotype tract lists,
// with clear errors for malformed input.

import { readText } from '../framework/gzip.js';
import { numberColumn, parseTsv, stringColumn } from '../framework/tsv.js';
import { ANC_A, ANC_B, CONTIGUOUS_EPS, type Haplotype } from './model.js';

export interface ChromosomeRow {
  name: string;
  lengthMorgan: number;
  calledStart: number;
  calledEnd: number;
}

export interface AdmixtureData {
  chromosomes: ChromosomeRow[];
  /** [h1, h2] as labelled in the file */
  haps: [Haplotype, Haplotype];
}

type Files = ReadonlyMap<string, Uint8Array>;

function need(files: Files, path: string): Uint8Array {
  const f = files.get(path);
  if (!f) throw new Error(`missing input file ${path}`);
  return f;
}

export function loadAdmixture(files: Files): AdmixtureData {
  const ct = parseTsv(readText(need(files, 'chromosomes.tsv.gz')));
  const names = stringColumn(ct, 'chrom');
  const len = numberColumn(ct, 'length_morgan'), cs = numberColumn(ct, 'called_start'), ce = numberColumn(ct, 'called_end');
  const chromosomes = names.map((name, i) => {
    if (!(cs[i] >= 0 && cs[i] < ce[i] && ce[i] <= len[i])) throw new Error(`chromosomes.tsv.gz: ${name} has an invalid called span [${cs[i]}, ${ce[i]}] for length ${len[i]}`);
    return { name, lengthMorgan: len[i], calledStart: cs[i], calledEnd: ce[i] };
  });
  const index = new Map(chromosomes.map((c, i) => [c.name, i]));

  const tt = parseTsv(readText(need(files, 'tracts.tsv.gz')));
  const chrom = stringColumn(tt, 'chrom'), hap = stringColumn(tt, 'hap'), anc = stringColumn(tt, 'anc');
  const start = numberColumn(tt, 'start_morgan'), end = numberColumn(tt, 'end_morgan');
  const post = numberColumn(tt, 'posterior'), lc = numberColumn(tt, 'low_complexity_frac');
  const haps: [Haplotype, Haplotype] = [chromosomes.map(() => []), chromosomes.map(() => [])];
  for (let i = 0; i < chrom.length; i++) {
    const c = index.get(chrom[i]);
    if (c === undefined) throw new Error(`tracts.tsv.gz row ${i + 2}: chromosome ${chrom[i]} is not in chromosomes.tsv.gz`);
    if (hap[i] !== 'h1' && hap[i] !== 'h2') throw new Error(`tracts.tsv.gz row ${i + 2}: hap must be h1 or h2, got ${JSON.stringify(hap[i])}`);
    if (anc[i] !== 'A' && anc[i] !== 'B') throw new Error(`tracts.tsv.gz row ${i + 2}: anc must be A or B, got ${JSON.stringify(anc[i])}`);
    if (!(start[i] < end[i])) throw new Error(`tracts.tsv.gz row ${i + 2}: start ${start[i]} is not before end ${end[i]}`);
    haps[hap[i] === 'h1' ? 0 : 1][c].push({ start: start[i], end: end[i], anc: anc[i] === 'A' ? ANC_A : ANC_B, posterior: post[i], lowComplexity: lc[i] });
  }
  for (const h of haps)
    h.forEach((tracts, c) => {
      tracts.sort((a, b) => a.start - b.start);
      for (let i = 1; i < tracts.length; i++)
        if (tracts[i].start < tracts[i - 1].end - CONTIGUOUS_EPS) throw new Error(`tracts.tsv.gz: overlapping tracts on ${chromosomes[c].name} at ${tracts[i].start}`);
    });
  return { chromosomes, haps };
}
