// Reference analysis for case 6, with switches the naive analyses flip (one trap each).
//  1. Panel QC: keep PASS, array-concordant calls, one per sample; count carriers (≥ 1 copy).
//  2. Per-batch calibration of the depth ratio to copies on the clean panel; posterior-expected
//     segment-B copies for the whole cohort (prior: the cohort's calibrated hard-call frequencies).
//  3. Design-weighted logistic regression (weights n_source / n_sampled per cell) of case status on
//     calibrated B, outer-inversion dosage, PC1–3, age and sex on the full cohort; sandwich SE.
//  4. Expression: per gene, NB regression on calibrated B, outer dosage, RNA batch and PCs with
//     offset log library size; the supported gene is the one whose B effect is strongest after
//     adjusting for O; its B coefficient is the per-copy log fold-change.
// Expression is a mediator of B's effect, so it stays out of the clinical model.

import type { Answer } from '../types.js';
import { loadLocusQ, reliablePanel, type LocusQData } from './io.js';
import { MAX_COPIES, calibrateDepth, design, hardCopies, negativeBinomialRegression, posteriorCopies, weightedLogistic } from './model.js';

type Files = ReadonlyMap<string, Uint8Array>;

export interface AnalysisOptions {
  /** segment-B dosage: calibrated posterior copies, or the raw depth ratio */
  dosage: 'calibrated' | 'raw_ratio';
  /** adjust the clinical and expression models for outer-inversion dosage */
  adjustOuter: boolean;
  /** clinical fit: full cohort with design weights, full cohort unweighted, or the breakpoint panel alone (unweighted) */
  clinicalData: 'cohort_weighted' | 'cohort_unweighted' | 'panel_only';
  /** gene choice and effect: adjusted NB model (ranked by Wald z), or a marginal scan on B alone (ranked by fold change) */
  expressionModel: 'adjusted' | 'marginal';
  /** carrier count: reliable unique samples, or every panel row with ≥ 1 copy */
  count: 'reliable_unique' | 'all_rows';
  /** depth-ratio calibration per sequencing batch, or one scale pooled over batches */
  calibration: 'per_batch' | 'pooled';
  /** segment-B dosage from calibrated depth: posterior-expected copies, or the nearest copy state */
  copies: 'posterior' | 'hard';
  /** age in the clinical model: linear (centred at 60) or the cohort's age bands */
  age: 'linear' | 'bands';
  /** report the fitted effects, or only their direction with a literature-typical magnitude (log-OR 0.2, log-FC 0.2) */
  effects: 'estimated' | 'sign_only';
}

export const REFERENCE_OPTIONS: AnalysisOptions = {
  dosage: 'calibrated',
  adjustOuter: true,
  clinicalData: 'cohort_weighted',
  expressionModel: 'adjusted',
  count: 'reliable_unique',
  calibration: 'per_batch',
  copies: 'posterior',
  age: 'linear',
  effects: 'estimated',
};

const parsed = new WeakMap<Files, LocusQData>();
function load(files: Files): LocusQData {
  let d = parsed.get(files);
  if (!d) parsed.set(files, (d = loadLocusQ(files)));
  return d;
}

/** Calibrated segment-B copies (posterior expectation, or nearest state) for every cohort row. */
export function calibratedCopies(d: LocusQData, o: Pick<AnalysisOptions, 'calibration' | 'copies'> = REFERENCE_OPTIONS): Float64Array {
  const clean = reliablePanel(d.panel).filter((r) => d.cohort.index.has(r.sample));
  const idx = clean.map((r) => d.cohort.index.get(r.sample)!);
  const batch = o.calibration === 'pooled' ? d.dosage.batch.map(() => 'all') : d.dosage.batch;
  const cal = calibrateDepth(idx.map((i) => batch[i]), Float64Array.from(idx, (i) => d.dosage.ratio[i]), Float64Array.from(clean, (r) => r.copies));
  const hard = hardCopies(cal, batch, d.dosage.ratio);
  if (o.copies === 'hard') return Float64Array.from(hard);
  const prior = new Float64Array(MAX_COPIES + 1).fill(0.5);
  for (const h of hard) prior[h]++;
  const tot = prior.reduce((a, b) => a + b, 0);
  for (let k = 0; k <= MAX_COPIES; k++) prior[k] /= tot;
  return posteriorCopies(cal, batch, d.dosage.ratio, prior);
}

function segmentB(d: LocusQData, o: AnalysisOptions): Float64Array {
  return o.dosage === 'raw_ratio' ? d.dosage.ratio : calibratedCopies(d, o);
}

/** Age terms: linear (centred at 60) or indicators of the 50–64 and 65+ bands. */
function ageColumns(o: AnalysisOptions, age: ArrayLike<number>): Float64Array<ArrayBuffer>[] {
  const a = Float64Array.from(age);
  if (o.age === 'linear') return [Float64Array.from(a, (x) => x - 60)];
  return [Float64Array.from(a, (x) => (x >= 50 && x < 65 ? 1 : 0)), Float64Array.from(a, (x) => (x >= 65 ? 1 : 0))];
}

/** Log-OR per unit of segment-B dosage for case status. */
function clinicalLogOr(d: LocusQData, o: AnalysisOptions, b: Float64Array): number {
  const c = d.cohort;
  if (o.clinicalData === 'panel_only') {
    const rows = reliablePanel(d.panel).filter((r) => c.index.has(r.sample));
    const idx = rows.map((r) => c.index.get(r.sample)!);
    const col = (f: (i: number, k: number) => number) => Float64Array.from(idx, f);
    const cols = [col((_, k) => rows[k].copies)];
    if (o.adjustOuter) cols.push(col((_, k) => rows[k].outer));
    cols.push(col((i) => c.pc1[i]), col((i) => c.pc2[i]), col((i) => c.pc3[i]), ...ageColumns(o, idx.map((i) => c.age[i])), col((i) => c.sex[i]));
    return weightedLogistic(design(cols), col((i) => c.caseStatus[i])).coef[1];
  }
  const cols: ArrayLike<number>[] = [b];
  if (o.adjustOuter) cols.push(d.dosage.outer);
  cols.push(c.pc1, c.pc2, c.pc3, ...ageColumns(o, c.age), c.sex);
  return weightedLogistic(design(cols), c.caseStatus, o.clinicalData === 'cohort_weighted' ? c.weight : undefined).coef[1];
}

/** Per-copy log fold-change of the gene whose B effect is strongest under the chosen model. */
function expressionLogFc(d: LocusQData, o: AnalysisOptions, b: Float64Array): number {
  const c = d.cohort;
  const genes = [...new Set(d.expression.map((r) => r.gene))].sort();
  const batches = [...new Set(d.expression.map((r) => r.batch))].sort();
  let best = { score: -Infinity, coef: NaN };
  for (const g of genes) {
    const rows = d.expression.filter((r) => r.gene === g && c.index.has(r.sample));
    const idx = rows.map((r) => c.index.get(r.sample)!);
    const col = (f: (i: number, k: number) => number) => Float64Array.from(idx, f);
    const cols = [col((i) => b[i])];
    if (o.expressionModel === 'adjusted') {
      if (o.adjustOuter) cols.push(col((i) => d.dosage.outer[i]));
      for (const bt of batches.slice(1)) cols.push(col((_, k) => (rows[k].batch === bt ? 1 : 0)));
      cols.push(col((i) => c.pc1[i]), col((i) => c.pc2[i]), col((i) => c.pc3[i]));
    }
    const fit = negativeBinomialRegression(design(cols), col((_, k) => rows[k].count), col((_, k) => Math.log(rows[k].library)));
    // The adjusted model ranks genes by the B effect's Wald z; the marginal scan by fold change.
    const score = o.expressionModel === 'adjusted' ? Math.abs(fit.coef[1] / fit.se[1]) : Math.abs(fit.coef[1]);
    if (score > best.score) best = { score, coef: fit.coef[1] };
  }
  return best.coef;
}

function carrierCount(d: LocusQData, o: AnalysisOptions): number {
  if (o.count === 'all_rows') return d.panel.filter((r) => r.copies >= 1).length;
  const carriers = new Set<string>();
  for (const r of d.panel) if (r.pass && r.concordant && r.copies >= 1) carriers.add(r.sample);
  return carriers.size;
}

export function analyseLocusQ(files: Files, o: AnalysisOptions): Answer {
  const d = load(files);
  const b = segmentB(d, o);
  let logOr = clinicalLogOr(d, o, b);
  let fc = expressionLogFc(d, o, b);
  if (o.effects === 'sign_only') {
    logOr = Math.sign(logOr) * 0.2;
    fc = Math.sign(fc) * 0.2;
  }
  return {
    n_calibrated_carriers: carrierCount(d, o),
    target_support_code: fc > 0 && logOr < 0 ? 1 : 0,
    expression_log_fc: fc,
    subhap_log_or: logOr,
  };
}

export function referenceLocusQ(files: Files): Answer {
  return analyseLocusQ(files, REFERENCE_OPTIONS);
}
