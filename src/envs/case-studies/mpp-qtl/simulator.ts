// Case 8 simulator: 500 recombinant inbred lines from 8 founders, two chromosomes of ~110
// markers, one chromosome-1 QTL with a high-effect founder, and three planted problems:
// (1) the marker file is shuffled out of map order; (2) 8% of markers are coded with the
// alleles swapped in the RIL genotypes (3 of them the most QTL-informative markers within
// 5 cM of the QTL); (3) phenotyping batch is aligned with F2 ancestry at a second chromosome-1
// locus 30 cM away, and batch shifts the phenotype, so a scan without the batch covariate peaks
// there. Truth: the QTL position (population truth, cM) and the high founder (code 0..7 = F1..F8).

import { gzip } from '../framework/gzip.js';
import { npyArray, writeNpz } from '../framework/npy.js';
import { Rng } from '../framework/prng.js';
import { normal } from '../framework/samplers.js';
import { writeTsv, type Cell } from '../framework/tsv.js';
import type { CaseFile, Truth } from '../types.js';
import { N_FOUNDERS, stayProbability } from './hmm.js';

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
  /** minor-allele founder count k ∈ 1..4 with weights ∝ 1/k (a founder site-frequency spectrum) */
  sdpWeights: [1, 1 / 2, 1 / 3, 1 / 4],
  qtlRange: [15, 95] as [number, number],
  /** founder effects in residual-SD units (≈ +0.8 and +0.3 SD of the whole phenotype, batch included) */
  highEffect: 1.3,
  secondEffect: 0.45,
  nuisanceFounder: 1, // F2
  nuisanceOffsetCm: 30,
  /** P(high batch | F2 at the nuisance locus) vs otherwise */
  pHighBatch: [0.8, 0.15] as [number, number],
  /** high batch mean above the others' (residual SD units); the other three spread ±0.3 */
  highBatchShift: [3.2, 3.6] as [number, number],
  flippedShare: 0.08,
  nearFlipWindowCm: 5,
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

/** Founder allele pattern: k of 8 founders carry allele 1, k ∝ 1/k on 1..4. */
function drawSdp(rng: Rng): number[] {
  const w = DESIGN.sdpWeights;
  const tot = w.reduce((a, b) => a + b, 0);
  let u = rng.uniform() * tot, k = 1;
  for (; k < w.length && u >= w[k - 1]; k++) u -= w[k - 1];
  const carriers = rng.sampleIndices(N_FOUNDERS, k);
  const a = new Array<number>(N_FOUNDERS).fill(0);
  for (const c of carriers) a[c] = 1;
  return a;
}

function privateSdp(founder: number): number[] {
  return Array.from({ length: N_FOUNDERS }, (_, f) => (f === founder ? 1 : 0));
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
  const chr1 = markers.filter((m) => m.chr === 1);

  // QTL, founders with effects, nuisance locus on the side that fits the chromosome
  const qr = root.split('qtl');
  const q = qr.uniformRange(D.qtlRange[0], D.qtlRange[1]);
  const high = qr.below(N_FOUNDERS);
  const second = (high + 1 + qr.below(N_FOUNDERS - 1)) % N_FOUNDERS;
  const len1 = D.chromosomes[0].lengthCm;
  const sides = [q + D.nuisanceOffsetCm, q - D.nuisanceOffsetCm].filter((x) => x > 3 && x < len1 - 3);
  const nuis = sides.length === 2 ? sides[qr.below(2)] : sides[0];
  const effect = new Float64Array(N_FOUNDERS);
  effect[high] = D.highEffect;
  effect[second] = D.secondEffect;

  // planted allele patterns: a private allele of the high founder at the marker nearest q, and
  // of F2 at the marker nearest the nuisance locus (both common in real founder panels)
  const nearest = (x: number) => chr1.reduce((b, m) => (Math.abs(m.pos - x) < Math.abs(b.pos - x) ? m : b));
  nearest(q).alleles = privateSdp(high);
  nearest(nuis).alleles = privateSdp(D.nuisanceFounder);

  // flipped coding: the 2–3 markers within 5 cM of q that a single-marker scan would favour,
  // plus random others away from q, 8% in all
  const fr = root.split('flips');
  const nFlip = Math.round(D.flippedShare * markers.length);
  const nNear = 3;
  const linkage = (m: MarkerInfo) => stayProbability(D.switchRate, m.pos - q);
  const singleMarkerSignal = (m: MarkerInfo) => {
    const k = m.alleles.reduce((a, b) => a + b, 0);
    let s1 = 0, s0 = 0;
    m.alleles.forEach((a, f) => (a ? (s1 += effect[f]) : (s0 += effect[f])));
    const delta = s1 / k - s0 / (N_FOUNDERS - k);
    return delta * delta * (k / 8) * (1 - k / 8) * linkage(m) ** 2;
  };
  const near = chr1.filter((m) => Math.abs(m.pos - q) <= D.nearFlipWindowCm).sort((a, b) => singleMarkerSignal(b) - singleMarkerSignal(a));
  for (const m of near.slice(0, nNear)) m.flipped = true;
  const far = markers.filter((m) => m.chr !== 1 || Math.abs(m.pos - q) > D.nearFlipWindowCm);
  for (const j of fr.sampleIndices(far.length, nFlip - Math.min(nNear, near.length))) far[j].flipped = true;

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

  // phenotypes: batch aligned with F2 at the nuisance locus; batch, sex and age shift the trait
  const pr = root.split('phenotypes');
  const highBatch = pr.below(4);
  const shift = pr.uniformRange(D.highBatchShift[0], D.highBatchShift[1]);
  const batchMean = Array.from({ length: 4 }, (_, b) => (b === highBatch ? shift : pr.uniformRange(-0.3, 0.3)));
  const others = [0, 1, 2, 3].filter((b) => b !== highBatch);
  const rilIds = Array.from({ length: D.nRil }, (_, i) => `RIL${pad(i + 1, 3)}`);
  const phenoRows: Cell[][] = [];
  for (let i = 0; i < D.nRil; i++) {
    const pHigh = founderN[i] === D.nuisanceFounder ? D.pHighBatch[0] : D.pHighBatch[1];
    const batch = pr.uniform() < pHigh ? highBatch : others[pr.below(3)];
    const male = pr.bernoulli(0.5);
    const age = pr.integer(45, 75);
    const y = 10 + effect[founderQ[i]] + batchMean[batch] + (male ? D.sexEffect : 0) + D.agePerDay * (age - 60) + normal(pr);
    phenoRows.push([rilIds[i], Math.round(y * 1e4) / 1e4, batch + 1, male ? 'M' : 'F', age]);
  }

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
  const meta = { nRil: D.nRil, nMarkers: nM };
  const latent: MppLatent = { flippedIds: markers.filter((m) => m.flipped).map((m) => m.id), nuisancePos: nuis, secondFounder: second, founderAtQtl: founderQ, founderAt, markerIdsMapOrder: markers.map((m) => m.id) };
  return { files, truth, meta, latent };
}
