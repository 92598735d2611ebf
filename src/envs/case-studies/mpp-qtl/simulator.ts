// Case 8 simulator: 500 recombinant inbred lines from 8 founders, two chromosomes of ~110
// markers, one chromosome-1 QTL (position, high founder, a second founder and effect sizes drawn
// per instance) and three planted problems, none of them placed at the QTL: (1) the marker file
// is shuffled out of map order; (2) the RIL calls code alleles by another convention than
// founders.tsv, reversed at most markers genome-wide (4-of-8 markers at random); (3) phenotyping
// batch is aligned with one founder's ancestry at a second chromosome-1 locus 25–55 cM away, and
// batch shifts the phenotype, so a scan without the batch covariate peaks there. Each marker
// allele is carried by 2–6 founders, so no single marker tags a founder. Truth: the QTL position
// (cM) and the high founder (code 0..7 = F1..F8). Data properties for the serving rule go to meta.

import { gzip } from '../framework/gzip.js';
import { npyArray, writeNpz } from '../framework/npy.js';
import { Rng } from '../framework/prng.js';
import { normal } from '../framework/samplers.js';
import { writeTsv, type Cell } from '../framework/tsv.js';
import type { CaseFile, Truth } from '../types.js';
import { N_FOUNDERS, stayProbability } from './hmm.js';
import { type PhenotypeDesign, powerReport } from './power.js';

/** Markers within this distance of the QTL must tell the high founder from each other founder (accept rule). */
export const ACCEPT_WINDOW_CM = 8;

export const CASE_ID = 'mpp-qtl';
export const FOUNDER_LABELS = ['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8'] as const;

export const DESIGN = {
  nRil: 500,
  chromosomes: [
    { chr: 1, lengthCm: 125, markers: 112 },
    { chr: 2, lengthCm: 105, markers: 108 },
  ],
  /** founder switches per cM along an 8-way RIL genome (map expansion) */
  switchRate: 0.07,
  /**
   * Founders carrying allele 1, k ∈ 2..4 with these weights: the panel was chosen for markers
   * where each allele is carried by at least two founders (no private founder alleles), so no
   * single marker tags one founder and founder haplotypes must be reconstructed.
   */
  sdpWeights: [0.4, 0.4, 0.2],
  qtlRange: [8, 117] as [number, number],
  /** founder effects in residual-SD units, drawn per instance */
  highEffect: [1.4, 1.9] as [number, number],
  secondEffect: [0.2, 0.6] as [number, number],
  /** the nuisance locus lies this far from the QTL on chromosome 1 (cM), on a side that fits */
  nuisanceOffsetCm: [25, 55] as [number, number],
  /** P(high batch | nuisance founder at the nuisance locus) vs otherwise */
  pHighBatch: [0.9, 0.08] as [number, number],
  /** high batch mean above the others' (residual SD units); the other three spread ±0.3 */
  highBatchShift: [3.8, 4.4] as [number, number],
  /**
   * P(a marker's 0/1 coding in the RIL calls is the reverse of founders.tsv) for 2- and 3-of-8
   * markers, drawn per instance (the files follow different allele-coding conventions); 4-of-8
   * markers are reversed with P = 0.5.
   */
  reversedCoding: [0.9, 1] as [number, number],
  genotypeError: 0.01,
  missing: 0.03,
  het: 0.005,
  sexEffect: 0.25,
  agePerDay: 0.012,
} as const;

export interface MarkerInfo {
  id: string;
  chr: number;
  pos: number;
  /** founder alleles, 8 values */
  alleles: number[];
  flipped: boolean;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Founder allele pattern: k ∈ 2..4 of 8 founders carry allele 1 (weights DESIGN.sdpWeights). */
function drawSdp(rng: Rng): number[] {
  const w = DESIGN.sdpWeights;
  let u = rng.uniform() * w.reduce((x, y) => x + y, 0), i = 0;
  for (; i < w.length - 1 && u >= w[i]; i++) u -= w[i];
  const a = new Array<number>(N_FOUNDERS).fill(0);
  for (const c of rng.sampleIndices(N_FOUNDERS, i + 2)) a[c] = 1;
  return a;
}

/** Founder at each (sorted) position of one RIL chromosome: the jump chain of the HMM. */
function mosaic(rng: Rng, pos: Float64Array, out: Uint8Array): void {
  let f = rng.below(N_FOUNDERS);
  for (let j = 0; j < pos.length; j++) {
    if (j > 0 && rng.uniform() > stayProbability(DESIGN.switchRate, pos[j] - pos[j - 1])) f = (f + 1 + rng.below(N_FOUNDERS - 1)) % N_FOUNDERS;
    out[j] = f;
  }
}

/** Latent facts for tests and audits only (never served). */
export interface MppLatent {
  flippedIds: string[];
  nuisancePos: number;
  nuisanceFounder: number;
  secondFounder: number;
  /** true founder of each RIL at the QTL */
  founderAtQtl: Uint8Array;
  /** true founder per RIL and marker, founderAt[i·nMarker + j], markers in map order (ids m1_001…) */
  founderAt: Uint8Array;
  markerIdsMapOrder: string[];
}

export function simulateMppQtl(seed: number, subSeed: number): { files: CaseFile[]; truth: Truth; meta: Record<string, unknown>; latent: MppLatent } {
  const root = Rng.from(CASE_ID, seed, subSeed);
  const D = DESIGN;

  // map: sorted positions per chromosome, ids numbered in map order
  const mr = root.split('map');
  const markers: MarkerInfo[] = [];
  for (const c of D.chromosomes) {
    const pos = new Set<number>();
    while (pos.size < c.markers) pos.add(Math.round(mr.uniformRange(0.5, c.lengthCm - 0.5) * 100) / 100);
    [...pos].sort((a, b) => a - b).forEach((p, j) => markers.push({ id: `m${c.chr}_${pad(j + 1, 3)}`, chr: c.chr, pos: p, alleles: drawSdp(mr), flipped: false }));
  }

  // QTL, founders with effects, nuisance locus on a side that fits the chromosome
  const qr = root.split('qtl');
  const q = qr.uniformRange(D.qtlRange[0], D.qtlRange[1]);
  const high = qr.below(N_FOUNDERS);
  const second = (high + 1 + qr.below(N_FOUNDERS - 1)) % N_FOUNDERS;
  const nuisanceFounder = (high + 1 + qr.below(N_FOUNDERS - 1)) % N_FOUNDERS;
  const len1 = D.chromosomes[0].lengthCm;
  const offset = qr.uniformRange(D.nuisanceOffsetCm[0], D.nuisanceOffsetCm[1]);
  const sides = [q + offset, q - offset].filter((x) => x > 3 && x < len1 - 3);
  const nuis = sides.length === 2 ? sides[qr.below(2)] : sides[0]; // offset ≤ 55 < 59.5: one side always fits
  const effect = new Float64Array(N_FOUNDERS);
  effect[high] = qr.uniformRange(D.highEffect[0], D.highEffect[1]);
  effect[second] = qr.uniformRange(D.secondEffect[0], D.secondEffect[1]);

  // reversed coding, genome-wide: founders.tsv codes the founder-minor allele as 1, while the RIL
  // calls code the allele of another convention (say the reference genome's) as 1, which is the
  // founder-major allele at most markers; at 4-of-8 markers either allele is "minor"
  const fr = root.split('flips');
  const pReversed = fr.uniformRange(D.reversedCoding[0], D.reversedCoding[1]);
  for (const m of markers) m.flipped = fr.uniform() < (m.alleles.reduce((x, y) => x + y, 0) * 2 === N_FOUNDERS ? 0.5 : pReversed);

  // RIL mosaics at markers (+ QTL and nuisance positions on chr1)
  const rr = root.split('rils');
  const nM = markers.length;
  const founderAt = new Uint8Array(D.nRil * nM);
  const founderQ = new Uint8Array(D.nRil), founderN = new Uint8Array(D.nRil);
  const chrPos = D.chromosomes.map((c) => {
    const ms = markers.map((m, j) => ({ m, j })).filter((x) => x.m.chr === c.chr);
    const extra = c.chr === 1 ? [q, nuis] : [];
    const all = [...ms.map((x) => ({ pos: x.m.pos, idx: x.j })), ...extra.map((p, e) => ({ pos: p, idx: -1 - e }))].sort((a, b) => a.pos - b.pos);
    return { pos: Float64Array.from(all, (a) => a.pos), idx: all.map((a) => a.idx) };
  });
  const buf = new Uint8Array(Math.max(...chrPos.map((c) => c.pos.length)));
  for (let i = 0; i < D.nRil; i++)
    for (const c of chrPos) {
      mosaic(rr, c.pos, buf);
      c.idx.forEach((idx, j) => {
        if (idx >= 0) founderAt[i * nM + idx] = buf[j];
        else if (idx === -1) founderQ[i] = buf[j];
        else founderN[i] = buf[j];
      });
    }

  // observed genotypes: errors, hets, missing, then the swapped coding of flipped markers
  const gr = root.split('genotypes');
  const geno = new Int8Array(D.nRil * nM);
  for (let i = 0; i < D.nRil; i++)
    for (let j = 0; j < nM; j++) {
      let a = markers[j].alleles[founderAt[i * nM + j]];
      const u = gr.uniform();
      if (u < D.missing) a = -1;
      else if (u < D.missing + D.het) a = 2;
      else if (u < D.missing + D.het + D.genotypeError) a = 1 - a;
      if (markers[j].flipped && (a === 0 || a === 1)) a = 1 - a;
      geno[i * nM + j] = a;
    }

  // phenotypes: batch aligned with the nuisance founder at the nuisance locus; batch, sex and age shift the trait
  const pr = root.split('phenotypes');
  const highBatch = pr.below(4);
  const shift = pr.uniformRange(D.highBatchShift[0], D.highBatchShift[1]);
  const batchMean = Array.from({ length: 4 }, (_, b) => (b === highBatch ? shift : pr.uniformRange(-0.3, 0.3)));
  const others = [0, 1, 2, 3].filter((b) => b !== highBatch);
  const rilIds = Array.from({ length: D.nRil }, (_, i) => `RIL${pad(i + 1, 3)}`);
  const phenoRows: Cell[][] = [];
  const design: PhenotypeDesign = { y: new Float64Array(D.nRil), batch: new Int32Array(D.nRil), male: new Uint8Array(D.nRil), age: new Float64Array(D.nRil) };
  for (let i = 0; i < D.nRil; i++) {
    const pHigh = founderN[i] === nuisanceFounder ? D.pHighBatch[0] : D.pHighBatch[1];
    const batch = pr.uniform() < pHigh ? highBatch : others[pr.below(3)];
    const male = pr.bernoulli(0.5);
    const age = pr.integer(45, 75);
    const y = 10 + effect[founderQ[i]] + batchMean[batch] + (male ? D.sexEffect : 0) + D.agePerDay * (age - 60) + normal(pr);
    phenoRows.push([rilIds[i], Math.round(y * 1e4) / 1e4, batch + 1, male ? 'M' : 'F', age]);
    design.y[i] = Math.round(y * 1e4) / 1e4;
    design.batch[i] = batch;
    design.male[i] = male ? 1 : 0;
    design.age[i] = age;
  }
  const near = markers.filter((m) => m.chr === 1 && Math.abs(m.pos - q) <= ACCEPT_WINDOW_CM).map((m) => m.alleles);
  const power = powerReport(design, founderQ, founderN, high, near);

  // files: marker rows shuffled (the npz columns follow the same shuffled order)
  const order = root.split('shuffle').permutation(nM);
  const markerRows = order.map((j) => [markers[j].id, markers[j].chr, markers[j].pos] as Cell[]);
  const founderRows = markers.map((m) => [m.id, ...m.alleles] as Cell[]);
  const shuffled = new Int8Array(D.nRil * nM);
  for (let i = 0; i < D.nRil; i++) for (let c = 0; c < nM; c++) shuffled[i * nM + c] = geno[i * nM + order[c]];
  const files: CaseFile[] = [
    { path: 'markers.tsv.gz', data: gzip(writeTsv(['marker_id', 'chr', 'pos_cM'], markerRows)) },
    { path: 'founders.tsv.gz', data: gzip(writeTsv(['marker_id', ...FOUNDER_LABELS], founderRows)) },
    {
      path: 'ril_genotypes.npz',
      data: writeNpz({
        genotypes: npyArray('int8', shuffled, [D.nRil, nM]),
        ril_ids: npyArray('str', rilIds),
        marker_ids: npyArray('str', order.map((j) => markers[j].id)),
      }, { compress: true }),
    },
    { path: 'phenotypes.tsv.gz', data: gzip(writeTsv(['ril_id', 'phenotype', 'batch', 'sex', 'age_days'], phenoRows)) },
  ];
  const truth: Truth = { high_founder: high, qtl_pos_cM: q };
  const meta = { nRil: D.nRil, nMarkers: nM, flippedMarkers: markers.filter((m) => m.flipped).length, ...power };
  const latent: MppLatent = { flippedIds: markers.filter((m) => m.flipped).map((m) => m.id), nuisancePos: nuis, nuisanceFounder, secondFounder: second, founderAtQtl: founderQ, founderAt, markerIdsMapOrder: markers.map((m) => m.id) };
  return { files, truth, meta, latent };
}
