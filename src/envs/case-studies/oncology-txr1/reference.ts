// Reference analysis for case 1, from the files only.
// 1. Target call per eligible patient (analysis_set = 1) from baseline samples (collected on or before
//    time zero) with purity ≥ 0.2, read N50 ≥ 10 kb and library QC pass: a TXR1-domain SV with
//    ≥ 3 alt reads and purity-adjusted CCF ≥ 0.3 that is not the patient's germline DLR1 structural
//    allele (both breakpoints within 1 kb), confirmed by purity-corrected TXR1 expression z ≥ 2 against
//    SV-negative tumours of the same lineage. Patients without a usable baseline sample are excluded.
// 2. DLR1 phenotype recomputed from the diplotype with the allele table (not the lab call).
// 3. Benefit: two-stage AIPW for week-16 benefit under informative (toxicity-driven) missingness.
// 4. Toxicity under TXR1i: AIPW with an outcome model that includes the DLR1 phenotype.
// Propensity weights are truncated at the 1st/99th percentiles. Every step is an option of
// analyseTxr, so each realistic mistake (naive.ts) is this pipeline with one option flipped.

import type { Answer } from '../types.js';
import { logitCoef } from './logit.js';
import { expit } from '../framework/special.js';
import { readTable, requireFile } from '../framework/files.js';
import { NCU_TOX_WEIGHT, phenotypeOf, type Phenotype } from './model.js';

type Files = ReadonlyMap<string, Uint8Array>;

/**
 * Analyses of one instance share its parsed tables and target calls. The harness hands each analysis a
 * fresh Map over the same byte arrays, so the cache is keyed by the registry's bytes and checked
 * against every file's bytes (same arrays → same parse).
 */
interface Parsed {
  data: Uint8Array[];
  base?: BaseData;
  /** purity-corrected expression z per sample, per (time, QC) filter */
  z?: Map<string, Map<string, number>>;
  targets: Map<string, TxrData>;
}
const PATHS = ['registry.tsv.gz', 'tumor_samples.tsv.gz', 'longread_sv_calls.tsv.gz', 'tumor_expression.tsv.gz', 'germline_pgx.tsv.gz', 'dlr1_allele_table.tsv.gz'];
const parsedCache = new WeakMap<Uint8Array, Parsed>();

function parsedOf(files: Files): Parsed {
  const data = PATHS.map((path) => requireFile(files, path));
  const hit = parsedCache.get(data[0]);
  if (hit && hit.data.every((d, k) => d === data[k])) return hit;
  const fresh: Parsed = { data, targets: new Map() };
  parsedCache.set(data[0], fresh);
  return fresh;
}

/** A table as rows of strings with a column lookup. */
function table(files: Files, path: string): { rows: string[][]; col: (name: string) => number } {
  const t = readTable(files, path);
  return {
    rows: t.rows,
    col: (name) => {
      const j = t.header.indexOf(name);
      if (j < 0) throw new Error(`${path} has no column ${name}`);
      return j;
    },
  };
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
}

/** The steps of the target call; the reference does all of them. Each mistake turns one off. */
export interface TargetOptions {
  /** restrict to analysis_set = 1 */
  eligibleOnly: boolean;
  /** only samples collected on or before time zero */
  baselineOnly: boolean;
  /** purity ≥ 0.2, read N50 ≥ 10 kb, library QC pass */
  sampleQc: boolean;
  /** drop SV calls matching the patient's germline DLR1 structural allele */
  germlineFilter: boolean;
  /** require purity-corrected TXR1 expression z ≥ zMin */
  expressionConfirm: boolean;
  /** require a somatic TXR1-domain SV (false: expression alone) */
  requireSv: boolean;
  /** expression z threshold */
  zMin: number;
  /** SV support: minimum alt reads and purity-adjusted CCF */
  minAlt: number;
  minCcf: number;
}

export const REFERENCE_TARGETING: TargetOptions = {
  eligibleOnly: true,
  baselineOnly: true,
  sampleQc: true,
  germlineFilter: true,
  expressionConfirm: true,
  requireSv: true,
  zMin: 2,
  minAlt: 3,
  minCcf: 0.3,
};

export function loadTxr(files: Files, opts: TargetOptions = REFERENCE_TARGETING): TxrData {
  // eligibleOnly does not change the parse (it filters the population afterwards)
  const key = JSON.stringify({ ...opts, eligibleOnly: true });
  const parsed = parsedOf(files);
  const hit = parsed.targets.get(key);
  if (hit) return hit;
  const d = parseTxr(files, opts);
  parsed.targets.set(key, d);
  return d;
}

interface SampleRow { sid: string; pid: string; day: number; purity: number; n50: number; qcPass: boolean; log2tpm: number }
interface DomainCall { alt: number; total: number; pos1: number; pos2: number }
interface BaseData {
  registry: RegistryRow[];
  byId: Map<string, RegistryRow>;
  /** germline DLR1 structural-allele breakpoints per patient */
  germlineBp: Map<string, [number, number]>;
  samples: SampleRow[];
  /** TXR1-domain SV calls per sample */
  domainCalls: Map<string, DomainCall[]>;
}

function baseData(files: Files): BaseData {
  const parsed = parsedOf(files);
  if (parsed.base) return parsed.base;
  const alleles = table(files, 'dlr1_allele_table.tsv.gz');
  const [aName, aValue] = [alleles.col('allele'), alleles.col('function_value')];
  const alleleValue = new Map(alleles.rows.map((r) => [r[aName], Number(r[aValue])]));
  const pgxT = table(files, 'germline_pgx.tsv.gz');
  const [gId, gDip, gBp1, gBp2, gLab] = ['patient_id', 'dlr1_diplotype', 'dlr1_sv_bp1', 'dlr1_sv_bp2', 'lab_phenotype'].map(pgxT.col);
  const pgx = new Map(pgxT.rows.map((r) => [r[gId], r]));
  const reg = table(files, 'registry.tsv.gz');
  const c = Object.fromEntries(
    ['patient_id', 'analysis_set', 'age', 'sex', 'calendar_period', 'ecog', 'tumor_burden', 'prior_lines', 'prior_resistance', 'lineage_class', 'therapy_class', 'assessed16', 'benefit16', 'tox_stop_8wk', 'time_zero_day'].map((k) => [k, reg.col(k)]),
  );
  const registry: RegistryRow[] = reg.rows.map((r) => {
    const g = pgx.get(r[c.patient_id]);
    const activity = g ? g[gDip].split('/').reduce((s, a) => s + (alleleValue.get(a) ?? NaN), 0) : NaN;
    return {
      id: r[c.patient_id],
      eligible: r[c.analysis_set] === '1',
      age: Number(r[c.age]),
      female: r[c.sex] === 'F' ? 1 : 0,
      period: Number(r[c.calendar_period].slice(1)),
      ecog: Number(r[c.ecog]),
      burden: Number(r[c.tumor_burden]),
      priorLines: Number(r[c.prior_lines]),
      priorResistance: Number(r[c.prior_resistance]),
      lineage: r[c.lineage_class],
      treated: r[c.therapy_class] === 'TXR1i' ? 1 : 0,
      assessed: Number(r[c.assessed16]),
      benefit: r[c.benefit16] === '' ? null : Number(r[c.benefit16]),
      tox: Number(r[c.tox_stop_8wk]),
      t0: Number(r[c.time_zero_day]),
      phenotype: Number.isFinite(activity) ? phenotypeOf(activity) : 'NM',
      labPhenotype: (g?.[gLab] ?? 'NM') as Phenotype,
    };
  });
  const germlineBp = new Map<string, [number, number]>();
  for (const [pid, g] of pgx) if (g[gBp1] !== '' && g[gBp2] !== '') germlineBp.set(pid, [Number(g[gBp1]), Number(g[gBp2])]);
  const ex = table(files, 'tumor_expression.tsv.gz');
  const [eSid, eTpm] = [ex.col('sample_id'), ex.col('txr1_log2tpm')];
  const expr = new Map(ex.rows.map((r) => [r[eSid], Number(r[eTpm])]));
  const sm = table(files, 'tumor_samples.tsv.gz');
  const [sSid, sPid, sDay, sPur, sN50, sQc] = ['sample_id', 'patient_id', 'collection_day', 'purity', 'read_n50_kb', 'qc_pass'].map(sm.col);
  const samples: SampleRow[] = sm.rows.map((r) => ({
    sid: r[sSid],
    pid: r[sPid],
    day: Number(r[sDay]),
    purity: Number(r[sPur]),
    n50: Number(r[sN50]),
    qcPass: r[sQc] === '1',
    log2tpm: expr.get(r[sSid]) ?? NaN,
  }));
  const domainCalls = new Map<string, DomainCall[]>();
  const sv = table(files, 'longread_sv_calls.tsv.gz');
  const [vSid, vOv, vAlt, vTot, vP1, vP2] = ['sample_id', 'txr1_domain_overlap', 'alt_reads', 'total_reads', 'pos1', 'pos2'].map(sv.col);
  for (const r of sv.rows) {
    if (r[vOv] !== '1') continue;
    let list = domainCalls.get(r[vSid]);
    if (!list) domainCalls.set(r[vSid], (list = []));
    list.push({ alt: Number(r[vAlt]), total: Number(r[vTot]), pos1: Number(r[vP1]), pos2: Number(r[vP2]) });
  }
  const base = { registry, byId: new Map(registry.map((r) => [r.id, r])), germlineBp, samples, domainCalls };
  parsed.base = base;
  return base;
}

function parseTxr(files: Files, opts: TargetOptions): TxrData {
  const { registry, byId, germlineBp, samples, domainCalls } = baseData(files);

  // Usable samples and their somatic TXR1 SV status.
  interface Usable { sid: string; pid: string; purity: number; svPositive: boolean; anyDomainCall: boolean; lineage: string; log2tpm: number; tpm: number }
  const usable: Usable[] = [];
  for (const s of samples) {
    const p = byId.get(s.pid);
    if (!p) continue;
    const purity = s.purity;
    if (opts.baselineOnly && s.day > p.t0) continue;
    if (opts.sampleQc && (purity < 0.2 || s.n50 < 10 || !s.qcPass)) continue;
    const bp = germlineBp.get(s.pid);
    const calls = domainCalls.get(s.sid);
    const svPositive = (calls ?? []).some((sv) => {
      const ccf = (2 * sv.alt) / sv.total / purity;
      if (sv.alt < opts.minAlt || ccf < opts.minCcf) return false;
      if (opts.germlineFilter && bp && Math.abs(sv.pos1 - bp[0]) <= 1000 && Math.abs(sv.pos2 - bp[1]) <= 1000) return false;
      return true;
    });
    usable.push({ sid: s.sid, pid: s.pid, purity, svPositive, anyDomainCall: calls !== undefined, lineage: p.lineage, log2tpm: s.log2tpm, tpm: 2 ** s.log2tpm });
  }

  // Purity-corrected expression: per lineage, bulk TPM = S + purity·(T − S) among SV-negative samples
  // (no TXR1-domain call at all, so germline *5 carriers, whose TXR1 expression is raised, stay out);
  // tumour-cell TPM of a sample = S + (TPM − S)/purity; z against SV-negative tumours of the lineage.
  // The SV-negative set still holds overexpressed tumours (amplified, unseen germline *5s, activations
  // whose SV was not called), which would drag the least-squares line: fit, drop samples at z ≥ 2 from
  // the reference set, refit (three rounds).
  // The z-scores depend only on which samples are usable (time and QC filters), so they are shared by
  // target calls that differ in the other steps.
  const zKey = `z:${opts.baselineOnly}:${opts.sampleQc}`;
  const parsed = parsedOf(files);
  const zOf = (parsed.z ??= new Map()).get(zKey) ?? new Map<string, number>();
  parsed.z.set(zKey, zOf);
  for (const lin of zOf.size ? [] : new Set(usable.map((u) => u.lineage))) {
    const all = usable.filter((u) => u.lineage === lin && !u.anyDomainCall && Number.isFinite(u.log2tpm));
    let neg = all;
    let z = (_u: Usable) => NaN;
    for (let round = 0; round < 3; round++) {
      const n = neg.length;
      const mx = neg.reduce((a, u) => a + u.purity, 0) / n;
      const my = neg.reduce((a, u) => a + u.tpm, 0) / n;
      const sxy = neg.reduce((a, u) => a + (u.purity - mx) * (u.tpm - my), 0);
      const sxx = neg.reduce((a, u) => a + (u.purity - mx) ** 2, 0);
      const slope = sxy / sxx;
      const stroma = Math.max(0.1, my - slope * mx);
      const corrected = (u: Usable) => Math.log2(Math.max(0.1, stroma + (u.tpm - stroma) / u.purity));
      const ref = Float64Array.from(neg, corrected).sort();
      const med = ref[Math.floor(ref.length / 2)];
      // Scale from the lower half only: the upper tail holds the overexpressed tumours.
      const below = Float64Array.from(ref.filter((v) => v < med), (v) => med - v).sort();
      const scale = 1.4826 * below[Math.floor(below.length / 2)];
      z = (u: Usable) => (Number.isFinite(u.log2tpm) ? (corrected(u) - med) / scale : NaN);
      neg = all.filter((u) => z(u) < 2);
    }
    for (const u of usable) if (u.lineage === lin) zOf.set(u.sid, z(u));
  }

  const target = new Map<string, boolean>();
  for (const u of usable) {
    const hit = (!opts.requireSv || u.svPositive) && (!opts.expressionConfirm || (zOf.get(u.sid) ?? -Infinity) >= opts.zMin);
    target.set(u.pid, (target.get(u.pid) ?? false) || hit);
  }
  return { registry, target };
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

/**
 * Per population (the array targetPopulation returns, cached per target call), the model fits and
 * designs already computed: the mistakes and alternatives that share the reference's subgroup re-use
 * its fits instead of refitting the same models.
 */
const popMemo = new WeakMap<readonly RegistryRow[], Map<string, unknown>>();

function memo<T>(pop: readonly RegistryRow[], key: string, make: () => T): T {
  let m = popMemo.get(pop);
  if (!m) popMemo.set(pop, (m = new Map()));
  if (!m.has(key)) m.set(key, make());
  return m.get(key) as T;
}

/** Propensity of TXR1i given L (with PGx: the lab phenotype drove prescribing), truncated at 1%/99%. */
export function propensity(pop: RegistryRow[]): number[] {
  return memo(pop, 'propensity', () => fitPropensity(pop));
}

function fitPropensity(pop: RegistryRow[]): number[] {
  const X = pop.map((r) => [...covariates(r, false), r.labPhenotype === 'IM' ? 1 : 0, r.labPhenotype === 'PM' ? 1 : 0]);
  const coef = logitCoef(X, pop.map((r) => r.treated));
  const e = X.map((x) => predict(coef, x));
  const lo = quantileOf(e, 0.01);
  const hi = quantileOf(e, 0.99);
  return e.map((v) => Math.min(hi, Math.max(lo, v)));
}

/** How the benefit and toxicity are estimated; the reference uses AIPW for both. */
export interface EstimatorOptions {
  /**
   * aipw: two-stage AIPW (confounding and toxicity-driven missingness); ipw: weights 1/(e·r);
   * gformula: standardisation over L and the toxicity stop; complete_case: AIPW among assessed
   * patients only; nonresponder: unassessed counted as no benefit; unadjusted: arms compared as if
   * exchangeable (missingness still weighted).
   */
  benefit: 'aipw' | 'ipw' | 'gformula' | 'complete_case' | 'nonresponder' | 'unadjusted';
  /** aipw / ipw / gformula: standardised to the subgroup; crude: the rate among treated patients */
  toxicity: 'aipw' | 'ipw' | 'gformula' | 'crude';
  /** DLR1 phenotype in the outcome models: recomputed from the diplotype, or the lab call */
  phenotype: 'recomputed' | 'lab';
}

export const REFERENCE_ESTIMATOR: EstimatorOptions = { benefit: 'aipw', toxicity: 'aipw', phenotype: 'recomputed' };

const fitPredict = (X: number[][], y: number[]) => {
  const coef = logitCoef(X, y);
  return (x: number[]) => predict(coef, x);
};

/** fitPredict, memoised per population and model key. */
const fitFor = (pop: readonly RegistryRow[], key: string, X: () => number[][], y: () => number[]) => memo(pop, `fit:${key}`, () => fitPredict(X(), y()));

/** Benefit and toxicity in the given population by the chosen estimators. */
export function estimate(pop: RegistryRow[], opts: EstimatorOptions = REFERENCE_ESTIMATOR): Estimates {
  const lab = opts.phenotype === 'lab';
  const L = memo(pop, `L:${lab}`, () => pop.map((r) => covariates(lab ? { ...r, phenotype: r.labPhenotype } : r, true)));
  const ph = lab ? 'lab' : 'pgx';
  const e1 = propensity(pop);
  const n = pop.length;
  const psi: number[] = [];
  const mode = opts.benefit;
  for (const a of [0, 1]) {
    const idx = pop.map((r, i) => (r.treated === a ? i : -1)).filter((i) => i >= 0);
    const ea = (i: number) => (a === 1 ? e1[i] : 1 - e1[i]);
    const y = (i: number) => (pop[i].benefit === null ? (mode === 'nonresponder' ? 0 : null) : pop[i].benefit);
    const seen = idx.filter((i) => y(i) !== null);
    if (mode === 'complete_case' || mode === 'nonresponder') {
      // Outcome treated as fully observed among `seen`: AIPW for confounding only, over `seen`.
      const q = fitFor(pop, `${mode}${a}:${ph}`, () => seen.map((i) => L[i]), () => seen.map((i) => y(i)!));
      const popSeen = pop.map((_, i) => i).filter((i) => mode === 'nonresponder' || pop[i].benefit !== null);
      let s = 0;
      for (const i of popSeen) s += q(L[i]) + (pop[i].treated === a ? (y(i)! - q(L[i])) / ea(i) : 0);
      psi.push(s / popSeen.length);
      continue;
    }
    const withTox = (i: number) => [...L[i], pop[i].tox];
    const r = fitFor(pop, `assessed${a}:${ph}`, () => idx.map(withTox), () => idx.map((i) => pop[i].assessed));
    const rOf = (i: number) => Math.max(0.05, r(withTox(i)));
    if (mode === 'unadjusted' || mode === 'ipw') {
      let num = 0;
      let den = 0;
      for (const i of seen) {
        const w = (mode === 'ipw' ? 1 / ea(i) : 1) / rOf(i);
        num += w * y(i)!;
        den += w;
      }
      psi.push(num / den);
      continue;
    }
    // Q(a, L, tox) among the assessed.
    const Q = fitFor(pop, `Q${a}:${ph}`, () => seen.map(withTox), () => seen.map((i) => y(i)!));
    if (mode === 'gformula') {
      const pTox = fitFor(pop, `tox${a}:${ph}`, () => idx.map((i) => L[i]), () => idx.map((i) => pop[i].tox));
      let s = 0;
      for (let i = 0; i < n; i++) {
        const pt = pTox(L[i]);
        s += pt * Q([...L[i], 1]) + (1 - pt) * Q([...L[i], 0]);
      }
      psi.push(s / n);
      continue;
    }
    // Two-stage AIPW: μ_a(L) by fractional logistic regression of Q on L among A = a.
    const Qi = new Map(idx.map((i) => [i, Q(withTox(i))]));
    const mu = fitFor(pop, `mu${a}:${ph}`, () => idx.map((i) => L[i]), () => idx.map((i) => Qi.get(i)!));
    let s = 0;
    for (let i = 0; i < n; i++) {
      const m = mu(L[i]);
      let v = m;
      if (pop[i].treated === a) {
        const q = Qi.get(i)!;
        v += (q - m) / ea(i);
        if (y(i) !== null) v += (y(i)! - q) / (ea(i) * rOf(i));
      }
      s += v;
    }
    psi.push(s / n);
  }
  const treated = pop.map((r, i) => (r.treated === 1 ? i : -1)).filter((i) => i >= 0);
  let tox: number;
  if (opts.toxicity === 'crude') tox = treated.reduce((s, i) => s + pop[i].tox, 0) / treated.length;
  else if (opts.toxicity === 'ipw') {
    const w = treated.map((i) => 1 / e1[i]);
    tox = treated.reduce((s, i, k) => s + w[k] * pop[i].tox, 0) / w.reduce((a, b) => a + b, 0);
  } else {
    const m = fitFor(pop, `tox1:${ph}`, () => treated.map((i) => L[i]), () => treated.map((i) => pop[i].tox));
    let s = 0;
    for (let i = 0; i < n; i++) s += m(L[i]) + (opts.toxicity === 'aipw' && pop[i].treated === 1 ? (pop[i].tox - m(L[i])) / e1[i] : 0);
    tox = s / n;
  }
  return { benefitRd: 100 * (psi[1] - psi[0]), toxicity: 100 * tox };
}

export function toAnswer(est: Estimates): Answer {
  const ncu = est.benefitRd - NCU_TOX_WEIGHT * est.toxicity;
  return { therapy_class_code: ncu > 0 ? 1 : 0, benefit_rd_pp: est.benefitRd, toxicity_dropout_risk_pp: est.toxicity, net_clinical_utility_pp: ncu };
}

const popCache = new WeakMap<TxrData, Map<boolean, RegistryRow[]>>();

/** The called target subgroup (the same array for the same call, so fits on it are shared). */
export function targetPopulation(d: TxrData, eligibleOnly = true): RegistryRow[] {
  let m = popCache.get(d);
  if (!m) popCache.set(d, (m = new Map()));
  let pop = m.get(eligibleOnly);
  if (!pop) m.set(eligibleOnly, (pop = d.registry.filter((r) => (!eligibleOnly || r.eligible) && d.target.get(r.id) === true)));
  return pop;
}

/** The analysis pipeline with every step choosable: the reference, a mistake or an alternative. */
export function analyseTxr(files: Files, target: Partial<TargetOptions> = {}, est: Partial<EstimatorOptions> = {}): Answer {
  const t = { ...REFERENCE_TARGETING, ...target };
  const d = loadTxr(files, t);
  return toAnswer(estimate(targetPopulation(d, t.eligibleOnly), { ...REFERENCE_ESTIMATOR, ...est }));
}

export function referenceTxr(files: Files): Answer {
  return analyseTxr(files);
}
