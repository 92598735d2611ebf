// Reference analysis for case 4, written as one pipeline with switches so that each naive analysis
// is the reference with exactly one step done the naive way.
//
// 1. Dosage: per ancestry, the depth-ratio scale a_anc is fitted on the controls against their known
//    copy number (least squares through the origin); a deletion is exon-7 depth below the midpoint
//    of the CN-1 and CN-2 centres, 0.75·a_anc.
// 2. SNVs/indels (pathogenic or likely pathogenic only) are called from DRX1-assignable reads
//    (specific_*), so the benign DRX1P variant at the non-specific site is ignored; calls are
//    collapsed to people, so the founder haplotype's three sites count once.
// 3. DR and FPR per ancestry from the controls; CF by Rogan–Gladen on screening rows only,
//    post-stratified by family-history tier to undo tier-dependent QC failures.
// 4. Residual risk after a negative screen by Bayes: CF(1 − DR)/(1 − CF·DR).
// 5. Partner CF per ancestry × tier (screening adults and tested partners, same source population),
//    Rogan–Gladen corrected, weighted by the full partner roster's ancestry × tier shares
//    (ancestry level where a stratum has < 30 tested people). Couple risk = residual × partner / 4.

import type { Answer } from '../types.js';
import { normalCdf } from '../framework/special.js';
import { snvCalled } from './model.js';
import { loadCarrier, type CarrierData } from './io.js';

type Files = ReadonlyMap<string, Uint8Array>;

export interface PipelineOptions {
  /**
   * 'ancestry': threshold 0.75·a_anc from the controls; 'nominal': 0.75 for everyone (CN = 2·ratio);
   * 'mixture': a_anc from a copy-number Gaussian mixture fitted per ancestry on all assayed samples
   * (no labels), deletion where the CN-1 posterior wins
   */
  dosage: 'ancestry' | 'nominal' | 'mixture';
  /**
   * detection and false-positive rates per ancestry or pooled over all controls; 'detectable': per
   * ancestry but from carrier controls of configurations the screen can see (silent 2+0 left out)
   */
  performance: 'ancestry' | 'pooled' | 'detectable';
  /** SNV evidence: DRX1-assignable reads or all reads at the site */
  reads: 'specific' | 'total';
  /** collapse calls to people (true) or sum per-variant frequencies (false) */
  collapse: boolean;
  /** collections used for the carrier frequency */
  collections: readonly string[];
  /**
   * partners post-stratified to the full roster (ancestry × tier) from screening adults and tested
   * partners, from screening adults alone ('screening_strata'), or tested partners taken as they are
   */
  partners: 'standardised' | 'screening_strata' | 'tested_only';
  /** QC failures: estimate within tier and weight back to all rows, or QC-pass rows as they are */
  qc: 'poststratified' | 'complete_case';
}

export const REFERENCE_OPTIONS: PipelineOptions = {
  dosage: 'ancestry',
  performance: 'ancestry',
  reads: 'specific',
  collapse: true,
  collections: ['screening'],
  partners: 'standardised',
  qc: 'poststratified',
};

/** Minimum stratum size for a stratum-level partner estimate. */
export const MIN_STRATUM = 30;

const CN_OF_CONFIG: Record<string, number> = { '1+0': 1, '1+1': 2, '2+0': 2, snv_het: 2, '2+1': 3 };

export interface DosageModel {
  /** depth ratio of a CN-2 sample */
  scale: number;
  /** residual SD of the depth ratio */
  sd: number;
  /** exon-7 depth ratio below which a deletion (CN ≤ 1) is called */
  threshold: number;
}

/**
 * Dosage calibration from the controls' known copy numbers: per ancestry, least squares of exon-7
 * depth on CN/2 through the origin and the residual SD; with `nominal`, the scale is taken as 1 (CN
 * = 2·ratio) for everyone and the SD is pooled around that.
 */
export function dosageModels(d: CarrierData, mode: PipelineOptions['dosage'], ancestryOf?: Map<string, string>): Map<string, DosageModel> {
  const e7 = d.targets.findIndex((t) => t.type === 'CN_exon7');
  if (e7 < 0) throw new Error('target_metadata has no CN_exon7 target');
  const nT = d.targets.length;
  if (mode === 'mixture') return mixtureDosage(d, e7, ancestryOf ?? new Map());
  const pts = new Map<string, { x: number[]; y: number[] }>();
  d.controls.id.forEach((id, i) => {
    const cn = CN_OF_CONFIG[d.controls.configuration[i]];
    const s = d.assay.index.get(id);
    if (cn === undefined || s === undefined || !d.assay.qcPass[s]) return;
    const y = d.assay.depth[s * nT + e7];
    if (!Number.isFinite(y)) return;
    const key = mode === 'nominal' ? 'ALL' : d.controls.ancestry[i];
    const p = pts.get(key) ?? { x: [], y: [] };
    p.x.push(cn / 2);
    p.y.push(y);
    pts.set(key, p);
  });
  const out = new Map<string, DosageModel>();
  for (const [key, { x, y }] of pts) {
    let sxy = 0, sxx = 0;
    for (let i = 0; i < x.length; i++) (sxy += x[i] * y[i]), (sxx += x[i] * x[i]);
    const scale = mode === 'nominal' ? 1 : sxy / sxx;
    let rss = 0;
    for (let i = 0; i < x.length; i++) rss += (y[i] - scale * x[i]) ** 2;
    out.set(key, { scale, sd: Math.sqrt(rss / Math.max(1, x.length - 1)), threshold: 0.75 * scale });
  }
  return out;
}

/**
 * Unsupervised calibration: per ancestry, EM for a three-component Gaussian mixture of exon-7 depth
 * ratios with centres a·{0.5, 1, 1.5} (CN 1, 2, 3) and one SD, over every QC-passing assayed sample.
 * The deletion threshold is where the CN-1 and CN-2 posteriors are equal.
 */
function mixtureDosage(d: CarrierData, e7: number, ancestryOf: Map<string, string>): Map<string, DosageModel> {
  const nT = d.targets.length;
  const xs = new Map<string, number[]>();
  for (const [id, s] of d.assay.index) {
    const anc = ancestryOf.get(id);
    const y = d.assay.depth[s * nT + e7];
    if (!anc || !d.assay.qcPass[s] || !Number.isFinite(y)) continue;
    const v = xs.get(anc) ?? [];
    v.push(y);
    xs.set(anc, v);
  }
  const m = [0.5, 1, 1.5];
  const out = new Map<string, DosageModel>();
  for (const [anc, x] of xs) {
    const sorted = [...x].sort((p, q) => p - q);
    let a = sorted[sorted.length >> 1];
    let sd = 0.1;
    let w = [0.05, 0.9, 0.05];
    const r = new Float64Array(3);
    for (let it = 0; it < 200; it++) {
      const sw = [0, 0, 0];
      let sxm = 0, smm = 0;
      const resp: Float64Array[] = [];
      for (const xi of x) {
        let tot = 0;
        for (let k = 0; k < 3; k++) tot += r[k] = w[k] * Math.exp(-0.5 * ((xi - a * m[k]) / sd) ** 2);
        const rr = new Float64Array(3);
        for (let k = 0; k < 3; k++) {
          rr[k] = tot > 0 ? r[k] / tot : k === 1 ? 1 : 0;
          sw[k] += rr[k];
          sxm += rr[k] * xi * m[k];
          smm += rr[k] * m[k] * m[k];
        }
        resp.push(rr);
      }
      const aNew = sxm / smm;
      let ss = 0;
      x.forEach((xi, i) => {
        for (let k = 0; k < 3; k++) ss += resp[i][k] * (xi - aNew * m[k]) ** 2;
      });
      const sdNew = Math.sqrt(ss / x.length);
      w = sw.map((v) => Math.max(v / x.length, 1e-6));
      const done = Math.abs(aNew - a) < 1e-7 && Math.abs(sdNew - sd) < 1e-7;
      a = aNew;
      sd = sdNew;
      if (done) break;
    }
    const threshold = 0.75 * a - (2 * sd * sd * Math.log(w[1] / w[0])) / a;
    out.set(anc, { scale: a, sd, threshold });
  }
  return out;
}

export interface SampleCalls {
  /** findings per assayed sample (collapsed: 0/1), NaN for QC failures */
  calls: Float64Array;
  /** SNV/indel findings alone (false-positive check on the controls) */
  snv: Float64Array;
  dosage: Map<string, DosageModel>;
}

/** Screening findings per assayed sample: exon-7 deletion plus P/LP SNV/indel calls. */
export function callSamples(d: CarrierData, o: PipelineOptions, ancestryOf: Map<string, string>): SampleCalls {
  const nT = d.targets.length;
  const e7 = d.targets.findIndex((t) => t.type === 'CN_exon7');
  const variantTargets = d.targets
    .map((t, i) => ({ t, i }))
    .filter(({ t }) => (t.type === 'SNV' || t.type === 'INDEL') && /^(likely_)?pathogenic$/.test(t.classification))
    .map(({ i }) => i);
  const dosage = dosageModels(d, o.dosage, ancestryOf);
  const calls = new Float64Array(d.assay.index.size).fill(NaN);
  const snv = new Float64Array(d.assay.index.size).fill(NaN);
  for (const [id, s] of d.assay.index) {
    if (!d.assay.qcPass[s]) continue;
    const m = dosage.get(o.dosage === 'nominal' ? 'ALL' : (ancestryOf.get(id) ?? ''));
    if (!m) throw new Error(`no dosage calibration for sample ${id} (ancestry ${ancestryOf.get(id) ?? 'unknown'})`);
    let nSnv = 0;
    for (const t of variantTargets) {
      const k = s * nT + t;
      const hit = o.reads === 'specific' ? snvCalled(d.assay.specificAlt[k], d.assay.specificTotal[k]) : snvCalled(d.assay.alt[k], d.assay.total[k]);
      if (hit) nSnv++;
    }
    // Deletion: exon-7 depth below the midpoint of the CN-1 and CN-2 centres.
    const n = (d.assay.depth[s * nT + e7] < m.threshold ? 1 : 0) + nSnv;
    calls[s] = o.collapse ? Math.min(n, 1) : n;
    snv[s] = nSnv;
  }
  return { calls, snv, dosage };
}

export interface Performance {
  dr: number;
  fpr: number;
}

/**
 * DR per ancestry (or pooled) = share of carrier controls with a finding. FPR = the dosage call's
 * false-deletion rate at CN 2 under the fitted Gaussian (too rare to count on a few dozen
 * non-carrier controls, yet not negligible against a 2–3% carrier frequency) plus the SNV/indel
 * false-call rate counted on all non-carrier controls.
 */
export function performance(d: CarrierData, sc: SampleCalls, o: PipelineOptions): Map<string, Performance> {
  const acc = new Map<string, { tp: number; nc: number }>();
  let snvFp = 0, nn = 0;
  d.controls.id.forEach((id, i) => {
    const s = d.assay.index.get(id);
    if (s === undefined || !Number.isFinite(sc.calls[s])) return;
    if (!d.controls.carrier[i]) {
      nn++;
      if (sc.snv[s] > 0) snvFp++;
      return;
    }
    if (o.performance === 'detectable' && d.controls.configuration[i] === '2+0') return;
    const key = o.performance === 'pooled' ? 'ALL' : d.controls.ancestry[i];
    const a = acc.get(key) ?? { tp: 0, nc: 0 };
    a.nc++;
    if (sc.calls[s] > 0) a.tp++;
    acc.set(key, a);
  });
  const snvFpr = nn ? snvFp / nn : 0;
  const dosageFpr = (m: DosageModel) => normalCdf((m.threshold - m.scale) / m.sd);
  const out = new Map<string, Performance>();
  for (const [key, a] of acc) {
    let fd: number;
    if (o.dosage === 'nominal') fd = dosageFpr(sc.dosage.get('ALL')!);
    else if (key !== 'ALL') fd = dosageFpr(sc.dosage.get(key)!);
    else {
      const ms = [...sc.dosage.values()];
      fd = ms.reduce((t, m) => t + dosageFpr(m), 0) / ms.length;
    }
    out.set(key, { dr: a.nc ? a.tp / a.nc : NaN, fpr: fd + snvFpr });
  }
  return out;
}

/** Rogan–Gladen: true prevalence from an apparent one. */
export function roganGladen(q: number, p: Performance): number {
  const v = (q - p.fpr) / (p.dr - p.fpr);
  return Math.min(1, Math.max(0, v));
}

interface Acc {
  n: number;
  sum: number;
}

export interface CarrierEstimates {
  cf: Map<string, number>;
  perf: Map<string, Performance>;
  residualAfr: number;
  partner: number;
  couple: number;
}

export function estimate(files: Files, o: PipelineOptions = REFERENCE_OPTIONS): CarrierEstimates {
  const d = loadCarrier(files);
  const ancestryOf = new Map<string, string>();
  d.cohort.id.forEach((id, i) => ancestryOf.set(id, d.cohort.ancestry[i]));
  d.controls.id.forEach((id, i) => ancestryOf.set(id, d.controls.ancestry[i]));
  d.partners.sampleId.forEach((id, i) => id && ancestryOf.set(id, d.partners.ancestry[i]));
  const sc = callSamples(d, o, ancestryOf);
  const calls = sc.calls;
  const perf = performance(d, sc, o);
  const perfOf = (anc: string) => {
    const p = perf.get(o.performance === 'pooled' ? 'ALL' : anc);
    if (!p || !Number.isFinite(p.dr)) throw new Error(`no carrier controls for ancestry ${anc}`);
    return p;
  };
  const callOf = (id: string) => {
    const s = d.assay.index.get(id);
    return s === undefined ? NaN : calls[s];
  };

  // Carrier frequency per ancestry: tier strata of the chosen collections; QC-pass rows estimate each
  // stratum, all rows (QC failures included) weight it.
  const strata = new Map<string, { all: number; pass: Acc }>();
  const ancPass = new Map<string, Acc>();
  d.cohort.id.forEach((id, i) => {
    if (!o.collections.includes(d.cohort.collection[i])) return;
    const anc = d.cohort.ancestry[i];
    const key = `${anc}|${d.cohort.tier[i]}`;
    const st = strata.get(key) ?? { all: 0, pass: { n: 0, sum: 0 } };
    st.all++;
    const c = callOf(id);
    if (Number.isFinite(c)) {
      st.pass.n++;
      st.pass.sum += c;
      const a = ancPass.get(anc) ?? { n: 0, sum: 0 };
      a.n++;
      a.sum += c;
      ancPass.set(anc, a);
    }
    strata.set(key, st);
  });
  const cf = new Map<string, number>();
  const weight = new Map<string, number>();
  for (const [key, st] of strata) {
    const anc = key.split('|')[0];
    const src = st.pass.n > 0 && o.qc === 'poststratified' ? st.pass : ancPass.get(anc)!;
    const p = roganGladen(src.sum / src.n, perfOf(anc));
    cf.set(anc, (cf.get(anc) ?? 0) + st.all * p);
    weight.set(anc, (weight.get(anc) ?? 0) + st.all);
  }
  for (const [anc, w] of weight) cf.set(anc, cf.get(anc)! / w);

  const cfAfr = cf.get('AFR');
  if (cfAfr === undefined) throw new Error('no AFR rows in the chosen collections');
  const drAfr = perfOf('AFR').dr;
  const residualAfr = (cfAfr * (1 - drAfr)) / (1 - cfAfr * drAfr);

  const partner =
    o.partners === 'tested_only' ? partnerTestedOnly(d, callOf, perfOf) : partnerStandardised(d, o, callOf, perfOf, o.partners === 'standardised');
  return { cf, perf, residualAfr, partner, couple: (residualAfr * partner) / 4 };
}

function partnerStandardised(d: CarrierData, o: PipelineOptions, callOf: (id: string) => number, perfOf: (anc: string) => { dr: number; fpr: number }, withPartners: boolean): number {
  const stratum = new Map<string, Acc>();
  const ancestry = new Map<string, Acc>();
  const add = (anc: string, tier: number, c: number) => {
    if (!Number.isFinite(c)) return;
    for (const [m, k] of [[stratum, `${anc}|${tier}`], [ancestry, anc]] as const) {
      const a = m.get(k) ?? { n: 0, sum: 0 };
      a.n++;
      a.sum += c;
      m.set(k, a);
    }
  };
  d.cohort.id.forEach((id, i) => o.collections.includes(d.cohort.collection[i]) && add(d.cohort.ancestry[i], d.cohort.tier[i], callOf(id)));
  if (withPartners) d.partners.sampleId.forEach((id, i) => d.partners.tested[i] && id && add(d.partners.ancestry[i], d.partners.tier[i], callOf(id)));
  let total = 0;
  const n = d.partners.ancestry.length;
  for (let i = 0; i < n; i++) {
    const anc = d.partners.ancestry[i];
    const st = stratum.get(`${anc}|${d.partners.tier[i]}`);
    const src = st && st.n >= MIN_STRATUM ? st : ancestry.get(anc);
    if (!src) throw new Error(`no tested people of ancestry ${anc}`);
    total += roganGladen(src.sum / src.n, perfOf(anc));
  }
  return total / n;
}

function partnerTestedOnly(d: CarrierData, callOf: (id: string) => number, perfOf: (anc: string) => { dr: number; fpr: number }): number {
  const byAnc = new Map<string, Acc>();
  d.partners.sampleId.forEach((id, i) => {
    const c = d.partners.tested[i] && id ? callOf(id) : NaN;
    if (!Number.isFinite(c)) return;
    const a = byAnc.get(d.partners.ancestry[i]) ?? { n: 0, sum: 0 };
    a.n++;
    a.sum += c;
    byAnc.set(d.partners.ancestry[i], a);
  });
  let num = 0;
  let den = 0;
  for (const [anc, a] of byAnc) {
    num += a.n * roganGladen(a.sum / a.n, perfOf(anc));
    den += a.n;
  }
  return num / den;
}

export function toAnswer(e: CarrierEstimates): Answer {
  return {
    carrier_frequency_afr: e.cf.get('AFR')!,
    carrier_frequency_eur: e.cf.get('EUR') ?? NaN,
    residual_carrier_risk_afr_negative: e.residualAfr,
    partner_carrier_frequency_full_roster: e.partner,
    couple_reproductive_risk: e.couple,
  };
}

export function referenceCarrier(files: Files): Answer {
  return toAnswer(estimate(files, REFERENCE_OPTIONS));
}

