// Reference analysis for case 1, from the files only.
// 1. Target call per eligible patient (analysis_set = 1) from baseline samples (collected on or before
//    time zero) with purity ≥ 0.2, read N50 ≥ 10 kb and library QC pass: a TXR1-domain SV with
//    ≥ 3 alt reads and purity-adjusted CCF ≥ 0.3 that is not the patient's germline DLR1 structural
//    allele (both breakpoints within 1 kb), confirmed by purity-corrected TXR1 expression z ≥ 2 against
//    SV-negative tumours of the same lineage. Patients without a usable baseline sample are excluded.
// 2. DLR1 phenotype recomputed from the diplotype with the allele table (not the lab call).
// 3. Benefit: two-stage AIPW for week-16 benefit under informative (toxicity-driven) missingness.
// 4. Toxicity under TXR1i: AIPW with an outcome model that includes the DLR1 phenotype.
// Propensity weights are truncated at the 1st/99th percentiles.

import type { Answer } from '../types.js';
import { logisticRegression } from '../framework/optim/glm.js';
import { expit } from '../framework/special.js';
import { tableRecords } from '../framework/tsv.js';
import { readTable } from '../framework/files.js';
import { NCU_TOX_WEIGHT, phenotypeOf, type Phenotype } from './model.js';

type Files = ReadonlyMap<string, Uint8Array>;

function records(files: Files, path: string): Record<string, string>[] {
  return tableRecords(readTable(files, path));
}

export interface RegistryRow {
  id: string;
  eligible: boolean;
  age: number;
  female: number;
  period: number;
  ecog: number;
  burden: number;
  priorLines: number;
  priorResistance: number;
  lineage: string;
  treated: number;
  assessed: number;
  benefit: number | null;
  tox: number;
  t0: number;
  phenotype: Phenotype;
  labPhenotype: Phenotype;
}

export interface TxrData {
  registry: RegistryRow[];
  /** patient → target status from the evidence (undefined = no usable baseline sample) */
  target: Map<string, boolean>;
  /** patient → any TXR1-domain SV call in any sample (the naive reading) */
  anySv: Set<string>;
}

export interface TargetOptions {
  baselineOnly: boolean;
  sampleQc: boolean;
  germlineFilter: boolean;
  expressionConfirm: boolean;
}

export const REFERENCE_TARGETING: TargetOptions = { baselineOnly: true, sampleQc: true, germlineFilter: true, expressionConfirm: true };

// Parsed evidence per files object, so naive analyses on the same instance do not re-parse it.
const loadCache = new WeakMap<Files, Map<string, TxrData>>();

export function loadTxr(files: Files, opts: TargetOptions = REFERENCE_TARGETING): TxrData {
  const key = JSON.stringify(opts);
  let perFiles = loadCache.get(files);
  if (!perFiles) loadCache.set(files, (perFiles = new Map()));
  const hit = perFiles.get(key);
  if (hit) return hit;
  const d = parseTxr(files, opts);
  perFiles.set(key, d);
  return d;
}

function parseTxr(files: Files, opts: TargetOptions): TxrData {
  const alleleValue = new Map(records(files, 'dlr1_allele_table.tsv.gz').map((r) => [r.allele, Number(r.function_value)]));
  const pgx = new Map(records(files, 'germline_pgx.tsv.gz').map((r) => [r.patient_id, r]));
  const registry: RegistryRow[] = records(files, 'registry.tsv.gz').map((r) => {
    const g = pgx.get(r.patient_id);
    const activity = g ? g.dlr1_diplotype.split('/').reduce((s, a) => s + (alleleValue.get(a) ?? NaN), 0) : NaN;
    return {
      id: r.patient_id,
      eligible: r.analysis_set === '1',
      age: Number(r.age),
      female: r.sex === 'F' ? 1 : 0,
      period: Number(r.calendar_period.slice(1)),
      ecog: Number(r.ecog),
      burden: Number(r.tumor_burden),
      priorLines: Number(r.prior_lines),
      priorResistance: Number(r.prior_resistance),
      lineage: r.lineage_class,
      treated: r.therapy_class === 'TXR1i' ? 1 : 0,
      assessed: Number(r.assessed16),
      benefit: r.benefit16 === '' ? null : Number(r.benefit16),
      tox: Number(r.tox_stop_8wk),
      t0: Number(r.time_zero_day),
      phenotype: Number.isFinite(activity) ? phenotypeOf(activity) : 'NM',
      labPhenotype: (g?.lab_phenotype ?? 'NM') as Phenotype,
    };
  });
  const byId = new Map(registry.map((r) => [r.id, r]));

  const samples = records(files, 'tumor_samples.tsv.gz');
  const expr = new Map(records(files, 'tumor_expression.tsv.gz').map((r) => [r.sample_id, r]));
  const sampleInfo = new Map(samples.map((s) => [s.sample_id, s]));
  const svBySample = new Map<string, Record<string, string>[]>();
  const anySv = new Set<string>();
  for (const sv of records(files, 'longread_sv_calls.tsv.gz')) {
    if (sv.txr1_domain_overlap !== '1') continue;
    const s = sampleInfo.get(sv.sample_id);
    if (s) anySv.add(s.patient_id);
    if (!svBySample.has(sv.sample_id)) svBySample.set(sv.sample_id, []);
    svBySample.get(sv.sample_id)!.push(sv);
  }

  // Usable samples and their somatic TXR1 SV status.
  interface Usable { sid: string; pid: string; purity: number; svPositive: boolean; lineage: string; log2tpm: number }
  const usable: Usable[] = [];
  for (const s of samples) {
    const p = byId.get(s.patient_id);
    if (!p) continue;
    const purity = Number(s.purity);
    if (opts.baselineOnly && Number(s.collection_day) > p.t0) continue;
    if (opts.sampleQc && (purity < 0.2 || Number(s.read_n50_kb) < 10 || s.qc_pass !== '1')) continue;
    const g = pgx.get(s.patient_id);
    const bp1 = g && g.dlr1_sv_bp1 !== '' ? Number(g.dlr1_sv_bp1) : null;
    const bp2 = g && g.dlr1_sv_bp2 !== '' ? Number(g.dlr1_sv_bp2) : null;
    const svPositive = (svBySample.get(s.sample_id) ?? []).some((sv) => {
      const alt = Number(sv.alt_reads);
      const ccf = (2 * alt) / Number(sv.total_reads) / purity;
      if (opts.sampleQc && (alt < 3 || ccf < 0.3)) return false;
      if (opts.germlineFilter && bp1 !== null && bp2 !== null && Math.abs(Number(sv.pos1) - bp1) <= 1000 && Math.abs(Number(sv.pos2) - bp2) <= 1000) return false;
      return true;
    });
    const e = expr.get(s.sample_id);
    usable.push({ sid: s.sample_id, pid: s.patient_id, purity, svPositive, lineage: p.lineage, log2tpm: e ? Number(e.txr1_log2tpm) : NaN });
  }

  // Purity-corrected expression: per lineage, bulk TPM = S + purity·(T − S) among SV-negative samples;
  // tumour-cell TPM of a sample = S + (TPM − S)/purity; z against SV-negative tumours of the lineage.
  const zOf = new Map<string, number>();
  for (const lin of new Set(usable.map((u) => u.lineage))) {
    const neg = usable.filter((u) => u.lineage === lin && !u.svPositive && Number.isFinite(u.log2tpm));
    const n = neg.length;
    const mx = neg.reduce((a, u) => a + u.purity, 0) / n;
    const my = neg.reduce((a, u) => a + 2 ** u.log2tpm, 0) / n;
    const sxy = neg.reduce((a, u) => a + (u.purity - mx) * (2 ** u.log2tpm - my), 0);
    const sxx = neg.reduce((a, u) => a + (u.purity - mx) ** 2, 0);
    const slope = sxy / sxx;
    const stroma = Math.max(0.1, my - slope * mx);
    const corrected = (u: Usable) => Math.log2(Math.max(0.1, stroma + (2 ** u.log2tpm - stroma) / u.purity));
    const ref = neg.map(corrected).sort((a, b) => a - b);
    const med = ref[Math.floor(ref.length / 2)];
    const mad = 1.4826 * [...ref.map((v) => Math.abs(v - med))].sort((a, b) => a - b)[Math.floor(ref.length / 2)];
    for (const u of usable) if (u.lineage === lin) zOf.set(u.sid, Number.isFinite(u.log2tpm) ? (corrected(u) - med) / mad : NaN);
  }

  const target = new Map<string, boolean>();
  for (const u of usable) {
    const hit = u.svPositive && (!opts.expressionConfirm || (zOf.get(u.sid) ?? -Infinity) >= 2);
    target.set(u.pid, (target.get(u.pid) ?? false) || hit);
  }
  return { registry, target, anySv };
}

/** Baseline covariates L (with intercept). DLR1 phenotype enters where asked. */
export function covariates(r: RegistryRow, withPgx: boolean): number[] {
  const x = [
    1,
    (r.age - 64) / 10,
    r.female,
    r.ecog === 1 ? 1 : 0,
    r.ecog === 2 ? 1 : 0,
    Math.log(r.burden),
    r.priorLines,
    r.priorResistance,
    r.lineage === 'B' ? 1 : 0,
    r.lineage === 'C' ? 1 : 0,
    r.period === 2 ? 1 : 0,
    r.period === 3 ? 1 : 0,
  ];
  if (withPgx) x.push(r.phenotype === 'IM' ? 1 : 0, r.phenotype === 'PM' ? 1 : 0);
  return x;
}

function predict(coef: number[], x: number[]): number {
  let eta = 0;
  for (let i = 0; i < coef.length; i++) eta += coef[i] * x[i];
  return expit(eta);
}

function quantileOf(v: number[], q: number): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.floor(q * (s.length - 1))))];
}

export interface Estimates {
  benefitRd: number;
  toxicity: number;
}

/** Propensity of TXR1i given L (with PGx: the lab phenotype drove prescribing), truncated at 1%/99%. */
export function propensity(pop: RegistryRow[]): number[] {
  const X = pop.map((r) => [...covariates(r, false), r.labPhenotype === 'IM' ? 1 : 0, r.labPhenotype === 'PM' ? 1 : 0]);
  const fit = logisticRegression(X, pop.map((r) => r.treated));
  const e = X.map((x) => predict(fit.coef, x));
  const lo = quantileOf(e, 0.01);
  const hi = quantileOf(e, 0.99);
  return e.map((v) => Math.min(hi, Math.max(lo, v)));
}

/** Two-stage AIPW for benefit and AIPW for toxicity among the given population. */
export function aipw(pop: RegistryRow[]): Estimates {
  const e1 = propensity(pop);
  const L = pop.map((r) => covariates(r, true));
  const psi: number[] = [];
  for (const a of [0, 1]) {
    const idx = pop.map((r, i) => (r.treated === a ? i : -1)).filter((i) => i >= 0);
    const withTox = (i: number) => [...L[i], pop[i].tox];
    // Q(a, L, tox) among the assessed; r(a, L, tox) = P(assessed).
    const assessed = idx.filter((i) => pop[i].assessed === 1 && pop[i].benefit !== null);
    const qFit = logisticRegression(assessed.map(withTox), assessed.map((i) => pop[i].benefit as number));
    const rFit = logisticRegression(idx.map(withTox), idx.map((i) => pop[i].assessed));
    const Q = new Map(idx.map((i) => [i, predict(qFit.coef, withTox(i))]));
    // μ_a(L): fractional logistic regression of Q on L among A = a (integrates over toxicity).
    const muFit = logisticRegression(idx.map((i) => L[i]), idx.map((i) => Q.get(i)!));
    let s = 0;
    pop.forEach((r, i) => {
      const mu = predict(muFit.coef, L[i]);
      let v = mu;
      if (r.treated === a) {
        const ea = a === 1 ? e1[i] : 1 - e1[i];
        const q = Q.get(i)!;
        v += (q - mu) / ea;
        if (r.assessed === 1 && r.benefit !== null) {
          const rr = Math.max(0.05, predict(rFit.coef, withTox(i)));
          v += (r.benefit - q) / (ea * rr);
        }
      }
      s += v;
    });
    psi.push(s / pop.length);
  }
  const treated = pop.map((r, i) => (r.treated === 1 ? i : -1)).filter((i) => i >= 0);
  const mFit = logisticRegression(treated.map((i) => L[i]), treated.map((i) => pop[i].tox));
  let tox = 0;
  pop.forEach((r, i) => {
    const m = predict(mFit.coef, L[i]);
    tox += m + (r.treated === 1 ? (r.tox - m) / e1[i] : 0);
  });
  return { benefitRd: 100 * (psi[1] - psi[0]), toxicity: (100 * tox) / pop.length };
}

export function toAnswer(est: Estimates): Answer {
  const ncu = est.benefitRd - NCU_TOX_WEIGHT * est.toxicity;
  return { therapy_class_code: ncu > 0 ? 1 : 0, benefit_rd_pp: est.benefitRd, toxicity_dropout_risk_pp: est.toxicity, net_clinical_utility_pp: ncu };
}

export function targetPopulation(d: TxrData): RegistryRow[] {
  return d.registry.filter((r) => r.eligible && d.target.get(r.id) === true);
}

export function referenceTxr(files: Files): Answer {
  const d = loadTxr(files);
  return toAnswer(aipw(targetPopulation(d)));
}
