// Simulator for case 6: a nested structural subhaplotype at Locus Q.
//
// Source population (800,000 people, three ancestry groups): each haplotype carries the outer
// inversion I with an ancestry-specific frequency; only I haplotypes can carry 0/1/2 copies of
// the nested segment B. Disease: logit = α_anc + β_B·B + β_O·O + 0.03·(age − 60) + 0.2·sex, so
// B and O are confounded through nesting (B ≤ 2·O) and O through ancestry. β_B, β_O and the
// expression effects are drawn per instance (signs included). A 24,000-person cohort is drawn by
// (clinic, stream, case status) cell; the sampling table gives the design weights. The referral
// stream is enriched for segment-B carriers (cascade testing) and samples cases more heavily, so a
// fit that ignores the weights (or the cells) is biased away from β_B.
// Planted traps: segment-B dosage is only seen as a batch-scaled read-depth ratio (≈ 1 + 0.5·B),
// with batch scales ±25% and cases mostly in one half of the batches; O's own effect moves B's
// when O is left out; the breakpoint panel oversamples cases with a high depth ratio, holds
// low-quality, discordant and duplicated calls; expression gene roles are shuffled per seed, and
// the outer-orientation position effect on one gene beats the real per-copy effect in a marginal
// scan (and the target gene has a smaller position effect of its own). The imputed outer dosage is a posterior mean from a noisy genotype signal.

import type { CaseFile, Truth } from '../types.js';
import { gzip } from '../framework/gzip.js';
import { Rng } from '../framework/prng.js';
import { negativeBinomial, normal, poisson } from '../framework/samplers.js';
import { writeTsv, type Cell } from '../framework/tsv.js';

export const CASE_ID = 'nested-sv-locusq';

export const ANCESTRIES = ['EUR', 'AFR', 'EAS'] as const;
export const CLINICS = ['north', 'south', 'east', 'west'] as const;
export const STREAMS = ['registry', 'referral'] as const;
export const GENES = ['QG1', 'QG2', 'QG3'] as const;

export const DESIGN = {
  sourceN: 800_000,
  cohortN: 24_000,
  panelSamples: 900,
  panelDuplicates: 25,
  expressionN: 5_000,
  ancestryShare: [0.55, 0.2, 0.25],
  /** outer inversion frequency per ancestry (EUR, AFR, EAS) */
  inversionFreq: [0.25, 0.1, 0.4],
  /** segment-B copies on an inverted haplotype: 0, 1, 2 */
  copyProbs: [0.55, 0.35, 0.1],
  /** PC centres per ancestry (pc1, pc2) and within-group SD */
  pcCentre: [
    [0.012, 0.004],
    [-0.03, 0.012],
    [0.006, -0.026],
  ],
  pcSd: 0.004,
  seqBatches: 6,
  depthNoiseSd: 0.07,
  rnaBatches: 3,
  /** extra referral probability for segment-B carriers, and referral sampling multipliers */
  referralCarrierBoost: 0.7,
  referralCaseMult: 2.5,
  referralControlMult: 0.6,
  panelHighRatio: 1.2,
  panelCaseHighWeight: 6,
  lowQualRate: 0.08,
  mismatchRate: 0.05,
  /** share of cases sequenced in the first half of the batches (controls: the same share in the second half) */
  caseBatchShare: 0.8,
} as const;

/** Latent per-instance parameters (hidden; exposed for tests and audits only). */
export interface LocusQLatent {
  betaB: number;
  betaO: number;
  gammaB: number;
  deltaO: number;
  /** gene label of each role */
  targetGene: string;
  positionGene: string;
  nullGene: string;
  seqScale: number[];
}

export interface LocusQSimulation {
  files: CaseFile[];
  truth: Truth;
  meta: Record<string, unknown>;
  latent: LocusQLatent;
}

const sig = (x: number, digits: number) => Number(x.toPrecision(digits));
const round = (x: number, d: number) => Number(x.toFixed(d));
const expit = (x: number) => 1 / (1 + Math.exp(-x));
const tsvGz = (header: string[], rows: Cell[][]) => gzip(writeTsv(header, rows));

function ageBand(age: number): string {
  return age < 50 ? '18_49' : age < 65 ? '50_64' : '65_plus';
}

/** One draw of 0/1/2 segment-B copies on an inverted haplotype. */
function copiesOnInverted(u: number): number {
  const p = DESIGN.copyProbs;
  return u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2;
}

/** Largest-remainder rounding of non-negative targets to an exact total, capped per cell. */
function allocate(targets: number[], caps: number[], total: number): number[] {
  const scale = total / targets.reduce((a, b) => a + b, 0);
  const raw = targets.map((t, i) => Math.min(caps[i], t * scale));
  const out = raw.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0 && k < 10 * order.length; k++) {
    const i = order[k % order.length][1];
    if (out[i] < caps[i]) {
      out[i]++;
      left--;
    }
  }
  if (left !== 0) throw new Error('cannot allocate the cohort within the source cells');
  return out;
}

/** k distinct indices of 0..n-1 (partial Fisher–Yates on a typed array, in draw order). */
function sampleDistinct(rng: Rng, n: number, k: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + rng.below(n - i);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.subarray(0, k);
}

/** k of the weighted items without replacement (Efraimidis–Spirakis keys), in index order. */
function weightedSample(rng: Rng, weights: ArrayLike<number>, k: number): number[] {
  const keys = Array.from({ length: weights.length }, (_, i) => [Math.log(rng.uniformOpen()) / weights[i], i] as const);
  keys.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  return keys.slice(0, k).map((x) => x[1]).sort((a, b) => a - b);
}

export function simulateLocusQ(seed: number, subSeed: number): LocusQSimulation {
  const root = Rng.from(CASE_ID, seed, subSeed);

  // Effect sizes, drawn per instance so no magnitude or sign is a good guess: the support code is
  // 1 on half the instances (β_B < 0 and γ_B > 0), otherwise one of the three other sign pairs;
  // |β_B| ~ U(0.4, 2.1) (per-copy odds ratios 1.5–8, the range of strong structural risk
  // alleles such as large recurrent CNVs; wide enough that the truth spreads ≥ 8× the tolerance), |γ_B| ~ U(0.15, 0.75). O has its own effect of either sign, |β_O| ~ U(0.5, 0.9), so
  // leaving O out moves the segment-B estimate by ≈ 0.6·β_O (the slope of O on B). The position
  // effect δ_O ~ U(1.5, 1.9) per inverted copy beats any γ_B in a marginal scan.
  const er = root.split('effects');
  const code = er.bernoulli(0.5);
  const pair = code ? 0 : 1 + er.below(3);
  const betaB = (pair === 0 || pair === 1 ? -1 : 1) * er.uniformRange(0.4, 2.1);
  const gammaB = (pair === 0 || pair === 2 ? 1 : -1) * er.uniformRange(0.15, 0.75);
  const betaO = (er.bernoulli(0.5) ? 1 : -1) * er.uniformRange(0.5, 0.9);
  const deltaO = er.uniformRange(1.5, 1.9);
  // The inversion also shifts the target gene a little (either sign), so a marginal B scan is
  // confounded whichever gene it picks.
  const deltaOTarget = (er.bernoulli(0.5) ? 1 : -1) * er.uniformRange(0.3, 0.6);
  const roles = er.permutation(3).map((i) => GENES[i]);
  const [targetGene, positionGene, nullGene] = roles;
  const alphaBase = -2.45 + er.uniformRange(-0.2, 0.2);
  const alphaAnc = [0, er.uniformRange(-0.35, 0.35), er.uniformRange(-0.35, 0.35)];

  // Source population.
  const N = DESIGN.sourceN;
  const anc = new Uint8Array(N);
  const O = new Uint8Array(N);
  const B = new Uint8Array(N);
  const age = new Uint8Array(N);
  const sex = new Uint8Array(N);
  const clinic = new Uint8Array(N);
  const stream = new Uint8Array(N);
  const yy = new Uint8Array(N);
  // Clinic mix differs by ancestry, which ties clinics to inversion frequency.
  const clinicByAnc = [
    [0.4, 0.3, 0.15, 0.15],
    [0.15, 0.2, 0.5, 0.15],
    [0.15, 0.15, 0.2, 0.5],
  ];
  const pr = root.split('population');
  const share = DESIGN.ancestryShare;
  for (let i = 0; i < N; i++) {
    const ua = pr.uniform();
    const a = ua < share[0] ? 0 : ua < share[0] + share[1] ? 1 : 2;
    anc[i] = a;
    const f = DESIGN.inversionFreq[a];
    let o = 0, b = 0;
    for (let h = 0; h < 2; h++) {
      if (pr.uniform() < f) {
        o++;
        b += copiesOnInverted(pr.uniform());
      }
    }
    O[i] = o;
    B[i] = b;
    const ag = Math.round(Math.min(89, Math.max(20, normal(pr, 58, 11))));
    age[i] = ag;
    sex[i] = pr.uniform() < 0.5 ? 1 : 0;
    const uc = pr.uniform();
    const cm = clinicByAnc[a];
    clinic[i] = uc < cm[0] ? 0 : uc < cm[0] + cm[1] ? 1 : uc < cm[0] + cm[1] + cm[2] ? 2 : 3;
    // The referral stream takes older people and cascade-tested relatives of known segment-B
    // carriers, so stream membership is tied to B itself (not only through ancestry).
    stream[i] = pr.uniform() < 0.12 + 0.004 * (ag - 40) + (b > 0 ? DESIGN.referralCarrierBoost : 0) ? 1 : 0;
    const eta = alphaBase + alphaAnc[a] + betaB * b + betaO * o + 0.03 * (ag - 60) + 0.2 * sex[i];
    yy[i] = pr.uniform() < expit(eta) ? 1 : 0;
  }

  // Cohort: outcome- and stratum-dependent sampling by cell (clinic × stream × case).
  const sr = root.split('sampling');
  const nCells = CLINICS.length * STREAMS.length * 2;
  const cellOf = (i: number) => (clinic[i] * STREAMS.length + stream[i]) * 2 + yy[i];
  const members: number[][] = Array.from({ length: nCells }, () => []);
  for (let i = 0; i < N; i++) members[cellOf(i)].push(i);
  const caseRate = sr.uniformRange(0.1, 0.16);
  const controlRate = sr.uniformRange(0.015, 0.025);
  const clinicCaseMult = CLINICS.map(() => sr.uniformRange(0.6, 1.5));
  const clinicControlMult = CLINICS.map(() => sr.uniformRange(0.6, 1.5));
  const targets = members.map((m, cell) => {
    const isCase = cell % 2;
    const c = Math.floor(cell / 2 / STREAMS.length);
    const s = Math.floor(cell / 2) % STREAMS.length;
    const rate = isCase ? caseRate * clinicCaseMult[c] * (s === 1 ? DESIGN.referralCaseMult : 1) : controlRate * clinicControlMult[c] * (s === 1 ? DESIGN.referralControlMult : 1);
    return m.length * rate;
  });
  const nSampled = allocate(targets, members.map((m) => m.length), DESIGN.cohortN);
  const cohort: number[] = [];
  members.forEach((m, cell) => {
    for (const j of sampleDistinct(sr, m.length, nSampled[cell])) cohort.push(m[j]);
  });
  // Sample ids: distinct random 5-digit numbers, rows in id order.
  const ids = Array.from(sampleDistinct(sr, 99_999, DESIGN.cohortN), (x) => x + 1);
  sr.shuffle(cohort);
  const order = ids.map((id, k) => [id, cohort[k]] as const).sort((a, b) => a[0] - b[0]);
  const n = order.length;
  const sid = order.map(([id]) => `Q${String(id).padStart(5, '0')}`);
  const sidIndex = new Map(sid.map((x, k) => [x, k]));
  const person = Int32Array.from(order.map(([, p]) => p));

  const files: CaseFile[] = [];
  const cr = root.split('cohort');
  const pc = Array.from({ length: n }, (_, k) => {
    const a = anc[person[k]];
    const c = DESIGN.pcCentre[a];
    return [normal(cr, c[0], DESIGN.pcSd), normal(cr, c[1], DESIGN.pcSd), normal(cr, 0, 0.006)];
  });
  files.push({
    path: 'cohort.tsv.gz',
    data: tsvGz(
      ['sample_id', 'case', 'age', 'age_band', 'sex', 'pc1', 'pc2', 'pc3', 'ancestry_group', 'clinic_stratum', 'recruitment_stream'],
      Array.from({ length: n }, (_, k) => {
        const i = person[k];
        return [sid[k], yy[i], age[i], ageBand(age[i]), sex[i], sig(pc[k][0], 6), sig(pc[k][1], 6), sig(pc[k][2], 6), ANCESTRIES[anc[i]], CLINICS[clinic[i]], STREAMS[stream[i]]];
      }),
    ),
  });

  // Locus Q dosage: batch-scaled depth ratio for segment B, imputed outer-inversion dosage.
  const dr = root.split('dosage');
  // Batch capture efficiency over this segmental duplication varies by ±25%: half the batches run
  // low (0.75–0.9), half high (1.1–1.25), and cases were mostly sequenced in one half, controls in
  // the other (which half is drawn per instance) — so one pooled scale miscalls copies differently
  // in cases and controls.
  const half = DESIGN.seqBatches / 2;
  const lowFirst = dr.bernoulli(0.5);
  const seqScale = Array.from({ length: DESIGN.seqBatches }, (_, b) => ((b < half) === lowFirst ? dr.uniformRange(0.75, 0.9) : dr.uniformRange(1.1, 1.25)));
  const invFreq = DESIGN.inversionFreq;
  const cohortFreq = (() => {
    let s = 0;
    for (let k = 0; k < n; k++) s += O[person[k]];
    return s / (2 * n);
  })();
  const seqBatch = new Uint8Array(n);
  const ratio = new Float64Array(n);
  const dRows: Cell[][] = [];
  for (let k = 0; k < n; k++) {
    const i = person[k];
    const caseHalf = dr.bernoulli(DESIGN.caseBatchShare) === (yy[i] === 1);
    const sb = (caseHalf ? 0 : half) + dr.below(half);
    seqBatch[k] = sb;
    ratio[k] = round(seqScale[sb] * (1 + 0.5 * B[i]) + normal(dr, 0, DESIGN.depthNoiseSd), 4);
    // Imputed dosage: the posterior mean of O given a noisy genotype signal W = O + N(0, s²) and
    // the ancestry's Hardy–Weinberg prior; info = 1 − s.
    const sNoise = dr.uniformRange(0.05, 0.2);
    const w = O[i] + normal(dr, 0, sNoise);
    const f = invFreq[anc[i]];
    const pri = [(1 - f) ** 2, 2 * f * (1 - f), f * f];
    let num = 0, den = 0;
    for (let g = 0; g <= 2; g++) {
      const l = pri[g] * Math.exp(-0.5 * ((w - g) / sNoise) ** 2);
      num += g * l;
      den += l;
    }
    const dosage = den > 0 ? num / den : 2 * cohortFreq;
    const info = 1 - sNoise;
    dRows.push([sid[k], `SB${sb + 1}`, ratio[k], round(dosage, 3), round(info, 3)]);
  }
  files.push({ path: 'locus_q_dosage.tsv.gz', data: tsvGz(['sample_id', 'seq_batch', 'segB_depth_ratio', 'outer_inv_dosage', 'outer_inv_info'], dRows) });

  // Breakpoint panel: cases with a high depth ratio oversampled; QC failures carry wrong calls.
  const br = root.split('panel');
  const panelWeights = Array.from({ length: n }, (_, k) => (yy[person[k]] === 1 && ratio[k] > DESIGN.panelHighRatio ? DESIGN.panelCaseHighWeight : 1));
  const panel = weightedSample(br, panelWeights, DESIGN.panelSamples);
  const dupSet = new Set(br.sampleIndices(panel.length, DESIGN.panelDuplicates).map((j) => panel[j]));
  const orientation = (o: number) => (o === 0 ? 'REF/REF' : o === 1 ? 'REF/INV' : 'INV/INV');
  const pRows: Cell[][] = [];
  const reliableCarrier = new Set<string>();
  const call = (k: number, method: string) => {
    const i = person[k];
    const lowq = br.bernoulli(DESIGN.lowQualRate);
    const mismatch = br.bernoulli(DESIGN.mismatchRate);
    let o = O[i];
    let b = B[i];
    if (mismatch) {
      // A sample swap: the call belongs to someone else in the cohort.
      const other = person[br.below(n)];
      o = O[other];
      b = B[other];
    }
    if (lowq && br.bernoulli(0.5)) b = Math.max(0, b + (br.bernoulli(0.5) ? 1 : -1));
    b = Math.min(b, 2 * o);
    const reads = lowq ? poisson(br, 2.5) : 6 + poisson(br, 14);
    if (!lowq && !mismatch && b >= 1) reliableCarrier.add(sid[k]);
    pRows.push([sid[k], method, orientation(o), b, reads, lowq ? 'LOWQ' : 'PASS', mismatch ? 'mismatch' : 'ok']);
  };
  for (const k of panel) {
    call(k, 'long_read');
    if (dupSet.has(k)) call(k, 'optical_map');
  }
  // Reliable (PASS, concordant) panel samples per sequencing batch: what the calibration rests on.
  const reliablePerBatch = new Array<number>(DESIGN.seqBatches).fill(0);
  const seen = new Set<string>();
  for (const r of pRows) if (r[5] === 'PASS' && r[6] === 'ok' && !seen.has(r[0] as string)) {
    seen.add(r[0] as string);
    reliablePerBatch[seqBatch[sidIndex.get(r[0] as string)!]]++;
  }
  files.push({ path: 'breakpoint_panel.tsv.gz', data: tsvGz(['sample_id', 'method', 'outer_orientation', 'segB_copies', 'spanning_reads', 'call_qual', 'array_concordance'], pRows) });

  // Expression (NB counts) in a random subset; rna_batch follows clinic (logistics), so it is
  // tied to ancestry and thus to the inversion.
  const xr = root.split('expression');
  const exprIdx = xr.sampleIndices(n, DESIGN.expressionN).sort((a, b) => a - b);
  const geneBase = GENES.map(() => Math.log(xr.uniformRange(120, 400) / 1e6));
  const geneSize = GENES.map(() => xr.uniformRange(8, 16));
  const geneBatch = GENES.map(() => Array.from({ length: DESIGN.rnaBatches }, (_, b) => (b === 0 ? 0 : normal(xr, 0, 0.25))));
  const genePc = GENES.map(() => normal(xr, 0, 4));
  const eRows: Cell[][] = [];
  for (const k of exprIdx) {
    const i = person[k];
    const rb = xr.uniform() < 0.6 ? clinic[i] % DESIGN.rnaBatches : xr.below(DESIGN.rnaBatches);
    const lib = Math.round(xr.uniformRange(1.5e6, 4e6));
    GENES.forEach((g, gi) => {
      let lp = geneBase[gi] + geneBatch[gi][rb] + genePc[gi] * pc[k][0];
      if (g === targetGene) lp += gammaB * B[i] + deltaOTarget * O[i];
      if (g === positionGene) lp += deltaO * O[i];
      eRows.push([sid[k], `RB${rb + 1}`, g, negativeBinomial(xr, lib * Math.exp(lp), geneSize[gi]), lib]);
    });
  }
  files.push({ path: 'expression.tsv.gz', data: tsvGz(['sample_id', 'rna_batch', 'gene', 'count', 'library_size'], eRows) });

  // Sampling design table.
  const sRows: Cell[][] = [];
  for (let c = 0; c < CLINICS.length; c++)
    for (let s = 0; s < STREAMS.length; s++)
      for (let y = 0; y < 2; y++) {
        const cell = (c * STREAMS.length + s) * 2 + y;
        sRows.push([CLINICS[c], STREAMS[s], y, members[cell].length, nSampled[cell]]);
      }
  files.push({ path: 'sampling_design.tsv.gz', data: tsvGz(['clinic_stratum', 'recruitment_stream', 'case', 'n_source', 'n_sampled'], sRows) });

  const truth: Truth = {
    n_calibrated_carriers: reliableCarrier.size,
    target_support_code: gammaB > 0 && betaB < 0 ? 1 : 0,
    expression_log_fc: gammaB,
    subhap_log_or: betaB,
  };
  let cases = 0;
  for (let k = 0; k < n; k++) cases += yy[person[k]];
  return {
    files,
    truth,
    meta: { source_n: N, cohort_n: n, cohort_cases: cases, panel_rows: pRows.length, expression_samples: exprIdx.length, reliable_panel_per_batch: reliablePerBatch },
    latent: { betaB, betaO, gammaB, deltaO, targetGene, positionGene, nullGene, seqScale },
  };
}
