// Simulator for case 1: SV-driven TXR1 activation, TXR1 inhibitor (TXR1i) benefit vs toxicity.
//
// Patients carry a true time-zero target state T (a somatic SV activating TXR1, prevalence by
// lineage), clinical covariates and a germline DLR1 diplotype. Each instance draws its drug and
// setting (drawScenario): the comparator's efficacy, TXR1i's level of benefit in SV-activated tumours
// (so the benefit risk difference runs from about −25 to +60 pp), how much worse TXR1i does without
// the activation, and a log-odds shift of the whole toxicity profile (toxicity about 30–93%), so the
// net clinical utility is positive on about half the seeds; the truth must clear a margin |NCU| ≥ 6 pp.
// Treatment is assigned by indication (the clinic's own imperfect SV test, prior resistance, ECOG 2,
// period, the lab DLR1 phenotype), with a positivity pocket (site S6 never uses TXR1i in P1).
// Toxicity depends on DLR1 phenotype; a toxicity stop lowers benefit and makes the week-16
// assessment much less likely (informative missingness); TXR1i patients (treated at referral
// centres) miss the visit more often than comparator patients even without a toxicity stop.
//
// Every filter of the target call guards against its own class of decoy, which no other filter
// removes (so skipping any one step moves the answer):
// - ineligible patients (analysis_set = 0: prior TXR1-pathway therapy, so a resistant tumour, or organ
//   dysfunction) do as poorly on TXR1i as tumours without the activation and tolerate it worse;
// - germline DLR1*5 deletions lie in the TXR1 domain and, by removing an insulator, raise TXR1
//   expression in every tissue: only the germline breakpoints tell them apart;
// - passenger SVs near TXR1 without overexpression: only the expression confirmation removes them;
// - TXR1 amplification without an SV (overexpressed, not SV-driven): only the SV evidence removes it;
// - low-quality samples (purity < 0.2, read N50 < 10 kb, failed library QC): chimeric long reads give
//   artefactual SV calls in the segmental-duplication-rich TXR1 domain, and degraded RNA over-counts
//   the 3′-biased TXR1 probe, so the sample looks activated; only sample QC removes them;
// - SVs acquired after time zero, in re-biopsies that mostly follow treatment failure: only the
//   time-zero restriction removes them (and using them selects on the outcome).
// The 3′/5′ ratio is raised only in fusion-type (TRA) activations, so it is supporting evidence,
// not a label. Lab phenotypes come from an outdated table that calls *2 normal in 8% of patients.
//
// Estimand population: eligible patients with a usable (QC-passing) time-zero sample whose tumour
// carries the SV-driven activation. Patients without a usable time-zero sample cannot be classified
// from the files and are outside the estimand (the prompt says so).

import type { CaseFile, Truth } from '../types.js';
import { gzipSync } from 'node:zlib';
import { Rng } from '../framework/prng.js';
import { AliasTable, beta, binomial, normal, poisson } from '../framework/samplers.js';
import { expit } from '../framework/special.js';
import {
  benefitEta,
  benefitProb,
  DLR1_ALLELES,
  NCU_TOX_WEIGHT,
  phenotypeOf,
  REGION,
  TOX_BENEFIT_PENALTY,
  TOX_RISK_OTHER,
  toxRiskTxr1i,
  type ClinicalCovariates,
  type Phenotype,
} from './model.js';

export const CASE_ID = 'oncology-txr1';
// 80,000 patients (design notes: 6,000) in a target-enriched registry (about 42% SV-activated, so about
// 23,000 in the estimand): the reference's sampling error, and with it the tolerance, is small against
// the biases of the single-step mistakes and against the spread of the truth across instances.
const N_PATIENTS = 80_000;
const TARGET_PREVALENCE = { A: 0.5, B: 0.4, C: 0.25 } as const;
const ELIGIBLE_SHARE = 0.8;
/** Among tumours without the activation or a germline *5: passenger SVs near TXR1, and TXR1 amplification without an SV. */
const PASSENGER_SHARE = 0.5;
const AMP_SHARE = 0.12;
/** Genome-wide background SV calls per sample (outside the TXR1 domain; the analysis never uses them). */
const BACKGROUND_SVS = 0.5;
/**
 * Treatment assignment: log-odds of prior resistance and of a lab-reported poor metaboliser (2.0 each:
 * strong confounding, without the near-violations of positivity whose extreme weights cost precision).
 */
const PS = { priorResistance: 2.0, labPm: 1.6 };
/**
 * Week-16 assessment log-odds: TXR1i is mostly given at referral centres, so its patients miss the
 * week-16 visit more often than patients on standard therapy at their home site; a toxicity stop makes
 * the visit much less likely.
 */
const ASSESS = { txr1i: 2.0, comparator: 4.2, toxStop: 2.4 };
/** Ineligible patients tolerate TXR1i worse (organ dysfunction): log-odds added to their toxicity. */
const INELIGIBLE_TOX_SHIFT = 2.0;
/** Share of first time-zero biopsies that fail QC, and the chance of a repeat time-zero biopsy then. */
const LOW_QUALITY_SHARE = 0.3;
const REPEAT_BIOPSY = 0.5;

interface Patient extends ClinicalCovariates {
  id: string;
  eligible: boolean;
  sex: 'F' | 'M';
  site: number;
  period: number;
  t0: number;
  target: boolean;
  diplotype: [number, number];
  labPhenotype: Phenotype;
  del5Bp: [number, number] | null;
  passenger: boolean;
  ampNoSv: boolean;
}

/** The drug in this instance. */
export interface TxrScenario {
  /** log-odds of week-16 benefit under the comparator (standard therapy's efficacy in this setting) */
  comparator: number;
  /** TXR1i benefit log-odds in SV-activated tumours, relative to the comparator */
  delta: number;
  /** TXR1i benefit log-odds, relative to the comparator, in tumours without the activation and in resistant (ineligible) tumours */
  deltaOther: number;
  /** log-odds shift of the whole toxicity profile */
  toxShift: number;
}

export interface TxrLatent extends TxrScenario {
  /** patients in the estimand population */
  nEstimand: number;
  /** of them, treated with TXR1i */
  nEstimandTreated: number;
  /** eligible true targets without a usable time-zero sample (outside the estimand) */
  nTargetsUnclassifiable: number;
  estimandIds: string[];
  /** per patient: the decoy classes it carries (for calibration probes; never served) */
  decoys: Record<string, string>;
}

export interface TxrSimulation {
  files: CaseFile[];
  truth: Truth;
  meta: Record<string, unknown>;
  latent: TxrLatent;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * TSV rows written as ASCII bytes as they are produced, formatted as writeTsv formats them (numbers by
 * String, null empty): building ~200k line strings and keeping them alive until the end made garbage
 * collection the largest cost of an instance.
 */
class TsvBytes {
  private buf: Buffer;
  private len = 0;

  constructor(header: readonly string[], capacity = 1 << 20) {
    this.buf = Buffer.allocUnsafe(capacity);
    this.push(header);
  }

  private grow(extra: number): void {
    const next = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.len + extra));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  private put(s: string): void {
    if (this.len + s.length > this.buf.length) this.grow(s.length);
    for (let k = 0; k < s.length; k++) this.buf[this.len++] = s.charCodeAt(k);
  }

  /** A non-negative safe integer, digit by digit (most cells; no string made). Needs 16 bytes free. */
  private putInt(v: number): void {
    let digits = 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
    let pos = this.len + digits - 1;
    for (; v >= 10; pos--) {
      const q = Math.floor(v / 10);
      this.buf[pos] = 48 + (v - 10 * q);
      v = q;
    }
    this.buf[pos] = 48 + v;
    this.len += digits;
  }

  push(cells: readonly (string | number | null)[]): void {
    for (let j = 0; j < cells.length; j++) {
      const v = cells[j];
      if (this.len + 32 > this.buf.length) this.grow(32);
      if (j > 0) this.buf[this.len++] = 9; // tab
      if (v === null) continue;
      if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) this.putInt(v);
      else this.put(typeof v === 'number' ? (Object.is(v, -0) ? '0' : String(v)) : v);
    }
    this.put('\n');
  }

  /** gzip level 1 through the platform zlib (deterministic bytes for a given input and level). */
  gzip(): Uint8Array {
    return new Uint8Array(gzipSync(this.buf.subarray(0, this.len), { level: 1 }));
  }
}

/**
 * normal(rng) scaled here: the same draw as normal(rng, mean, sd), without formatting the sampler's
 * argument check for every one of the ~10⁶ draws of an instance.
 */
const gauss = (rng: Rng, mean: number, sd: number) => mean + sd * normal(rng);

/** Categorical draws made per patient or sample: alias tables built once. */
const DRAW = {
  lineage: new AliasTable([0.5, 0.3, 0.2]),
  allele: new AliasTable(DLR1_ALLELES.map((a) => a.freq)),
  period: new AliasTable([0.3, 0.35, 0.35]),
  ecog: new AliasTable([0.45, 0.4, 0.15]),
  defect: new AliasTable([0.4, 0.35, 0.25]),
  svClass: new AliasTable([0.4, 0.3, 0.3]),
};

function drawPatients(rng: Rng): Patient[] {
  const out: Patient[] = [];
  for (let i = 0; i < N_PATIENTS; i++) {
    const lineage = (['A', 'B', 'C'] as const)[DRAW.lineage.sample(rng)];
    const priorLines = Math.min(4, poisson(rng, 1.2));
    const dip: [number, number] = [DRAW.allele.sample(rng), DRAW.allele.sample(rng)];
    dip.sort((a, b) => a - b);
    const activity = DLR1_ALLELES[dip[0]].value + DLR1_ALLELES[dip[1]].value;
    // Outdated table: *2 counted as fully functional.
    const outdated = rng.bernoulli(0.08);
    const labActivity = dip.reduce((s, a) => s + (outdated && a === 1 ? 1 : DLR1_ALLELES[a].value), 0);
    const n5 = dip.filter((a) => a === 4).length;
    const period = DRAW.period.sample(rng);
    const target = rng.bernoulli(TARGET_PREVALENCE[lineage]);
    const decoyDraw = rng.uniform();
    out.push({
      id: `MTB${String(i + 1).padStart(5, '0')}`,
      eligible: rng.bernoulli(ELIGIBLE_SHARE),
      age: Math.round(Math.min(90, Math.max(25, gauss(rng, 64, 10)))),
      sex: rng.bernoulli(0.5) ? 'F' : 'M',
      site: rng.integer(1, 8),
      period,
      t0: period * 365 + rng.integer(0, 364),
      ecog: DRAW.ecog.sample(rng),
      burden: Math.round(Math.exp(gauss(rng, 1.6, 0.45)) * 10) / 10,
      priorLines,
      priorResistance: rng.bernoulli(expit(-1.2 + 0.4 * priorLines)) ? 1 : 0,
      lineage,
      phenotype: phenotypeOf(activity),
      target,
      diplotype: dip,
      labPhenotype: phenotypeOf(labActivity),
      del5Bp: n5 > 0 ? [REGION.dlr1Del5Bp1 + rng.integer(-1500, 1500), REGION.dlr1Del5Bp2 + rng.integer(-1500, 1500)] : null,
      // Decoy classes are exclusive (a passenger SV in a tumour overexpressing TXR1 for another reason
      // would be indistinguishable from a target, in the files as in a real work-up).
      passenger: !target && n5 === 0 && decoyDraw < PASSENGER_SHARE,
      ampNoSv: !target && n5 === 0 && decoyDraw >= PASSENGER_SHARE && decoyDraw < PASSENGER_SHARE + AMP_SHARE,
    });
  }
  return out;
}

/**
 * Time-zero sample quality per patient, drawn before the outcomes (biopsy quality does not depend on
 * what happens later): the first biopsy's defect (null = good) and whether a repeat biopsy was taken.
 */
type Defect = 'low_purity' | 'short_n50' | 'qc_fail' | null;
interface Biopsies {
  first: Defect;
  repeat: boolean;
}

function drawBiopsies(rng: Rng, patients: readonly Patient[]): Biopsies[] {
  return patients.map(() => {
    const low = rng.bernoulli(LOW_QUALITY_SHARE);
    const first: Defect = !low ? null : (['low_purity', 'short_n50', 'qc_fail'] as const)[DRAW.defect.sample(rng)];
    return { first, repeat: low && rng.bernoulli(REPEAT_BIOPSY) };
  });
}

/** Usable = some time-zero sample passes QC (the good first biopsy or the repeat, which is always good). */
const usable = (b: Biopsies) => b.first === null || b.repeat;

/** The code must be well determined: |NCU| ≥ this margin (pp), a few times the reference's NCU RMSE. */
export const NCU_MARGIN_PP = 6;
/** TXR1i's week-16 benefit probability in the estimand population is at least this. */
export const MIN_BENEFIT_TXR1I = 0.33;

/**
 * The drug is drawn per instance, each part independently: the comparator's efficacy in this setting
 * (log-odds shift of week-16 benefit under standard therapy), TXR1i's own level in SV-activated
 * tumours (so the benefit risk difference ranges from a drug worse than standard therapy to a large
 * effect), how much worse TXR1i does in tumours without the activation and in resistant tumours
 * (always below both the comparator and its effect in the targets: a subgroup diluted by decoys differs
 * from the true one on every seed) and the log-odds shift of the whole toxicity profile (a tolerable
 * regimen, about 20% toxicity stops in the subgroup, to a very toxic one, about 93%).
 */
export const SCENARIO_RANGES = {
  comparator: [-1.4, 2.4],
  txr1iLevel: [1.0, 4.8],
  nonTargetGap: [1.8, 3.0],
  toxShift: [0.1, 4.1],
};

export function drawScenario(rng: Rng): TxrScenario {
  const R = SCENARIO_RANGES;
  const comparator = rng.uniformRange(R.comparator[0], R.comparator[1]);
  const delta = rng.uniformRange(R.txr1iLevel[0], R.txr1iLevel[1]) - comparator;
  const deltaOther = Math.min(delta, 0) - rng.uniformRange(R.nonTargetGap[0], R.nonTargetGap[1]);
  return { comparator, delta, deltaOther, toxShift: rng.uniformRange(R.toxShift[0], R.toxShift[1]) };
}

function inEstimand(p: Patient, b: Biopsies): boolean {
  return p.eligible && p.target && usable(b);
}

export function inEstimandOf(d: { patients: readonly Patient[]; biopsies: readonly Biopsies[] }): boolean[] {
  return d.patients.map((p, i) => inEstimand(p, d.biopsies[i]));
}

/**
 * Sample-conditional oracle over the estimand population (eligible, usable time-zero sample, true
 * target); also the benefit probability under TXR1i there (the scenario rule below reads it).
 */
export function oracle(patients: readonly Patient[], biopsies: readonly Biopsies[], { comparator, delta, toxShift }: TxrScenario): { truth: Truth; benefitTxr1i: number } {
  let p1 = 0;
  let rd = 0;
  let tox = 0;
  let n = 0;
  patients.forEach((p, i) => {
    if (!inEstimand(p, biopsies[i])) return;
    const pt = toxRiskTxr1i(p, toxShift);
    const b1 = benefitProb(p, comparator + delta, pt);
    p1 += b1;
    rd += b1 - benefitProb(p, comparator, TOX_RISK_OTHER);
    tox += pt;
    n += 1;
  });
  const benefit = (100 * rd) / n;
  const toxicity = (100 * tox) / n;
  const ncu = benefit - NCU_TOX_WEIGHT * toxicity;
  return { truth: { therapy_class_code: ncu > 0 ? 1 : 0, benefit_rd_pp: benefit, toxicity_dropout_risk_pp: toxicity, net_clinical_utility_pp: ncu }, benefitTxr1i: p1 / n };
}

export interface TxrDraw {
  root: Rng;
  patients: Patient[];
  biopsies: Biopsies[];
  scenario: TxrScenario;
  truth: Truth;
}

/**
 * Patients, biopsy quality, drug scenario and oracle truth of (seed, subSeed), the first stage of
 * simulateTxr (cheap: no files). `forced` fixes the scenario, without the margin rule (tests, probes).
 */
export function drawTruth(seed: number, subSeed: number, forced?: TxrScenario): TxrDraw {
  const root = Rng.from(CASE_ID, seed, subSeed);
  const patients = drawPatients(root.split('patients'));
  const biopsies = drawBiopsies(root.split('biopsies'), patients);
  const dr = root.split('delta');
  let scenario: TxrScenario = forced ?? drawScenario(dr);
  let o = oracle(patients, biopsies, scenario);
  // Re-draw the drug (not the patients) until the truth clears the decision margin and TXR1i gives a
  // week-16 benefit to at least MIN_BENEFIT_TXR1I of the targets (a drug worth studying; with almost
  // no responders on TXR1i, nothing separates a subgroup diluted by decoys, or a mishandled missing
  // outcome, from the true one).
  const clear = (x: typeof o) => Math.abs(x.truth.net_clinical_utility_pp) >= NCU_MARGIN_PP && x.benefitTxr1i >= MIN_BENEFIT_TXR1I;
  for (let k = 0; !forced && k < 200 && !clear(o); k++) {
    scenario = drawScenario(dr);
    o = oracle(patients, biopsies, scenario);
  }
  return { root, patients, biopsies, scenario, truth: o.truth };
}

/**
 * Data properties the serving rule needs: the estimand population must be large enough, with both arms
 * represented, for the benefit and the toxicity to be estimable at the calibrated precision.
 */
export function dataCheck(n: number, treated: number): string | null {
  if (!(n >= 15_000)) return 'target subgroup too small';
  if (!(treated >= 0.25 * n && treated <= 0.75 * n)) return 'arms unbalanced in the target subgroup';
  return null;
}

export function simulateTxr(seed: number, subSeed: number, forced?: TxrScenario): TxrSimulation {
  const { root, patients, biopsies, scenario, truth } = drawTruth(seed, subSeed, forced);
  const { comparator, delta, deltaOther, toxShift } = scenario;

  // Registry: assignment by indication, toxicity, benefit, assessment.
  const cr = root.split('clinic');
  const registry = new TsvBytes(
    ['patient_id', 'analysis_set', 'age', 'sex', 'site', 'calendar_period', 'ecog', 'tumor_burden', 'prior_lines', 'prior_resistance', 'lineage_class', 'therapy_class', 'assessed16', 'benefit16', 'tox_stop_8wk', 'time_zero_day'],
    1 << 23,
  );
  // Who failed treatment, and how (0 none, 1 progression, 2 toxicity stop); who got TXR1i.
  const failure = new Uint8Array(patients.length);
  const treated = new Uint8Array(patients.length);
  for (let i = 0; i < patients.length; i++) {
    const p = patients[i];
    const decoy = p.passenger || p.del5Bp !== null;
    const clinicTest = p.target ? cr.bernoulli(0.85) : decoy ? cr.bernoulli(0.5) : cr.bernoulli(0.04);
    const lp =
      -1.0 + 1.4 * (clinicTest ? 1 : 0) + PS.priorResistance * p.priorResistance + 1.2 * (p.ecog === 2 ? 1 : 0) + 0.8 * (p.period === 2 ? 1 : 0) + 0.4 * (p.period === 1 ? 1 : 0) -
      PS.labPm * (p.labPhenotype === 'PM' ? 1 : 0) - 0.8 * (p.labPhenotype === 'IM' ? 1 : 0) -
      // Older patients are offered the targeted agent less often (and tolerate it worse).
      0.05 * (p.age - 64);
    const txr1i = p.site === 6 && p.period === 0 ? false : cr.bernoulli(expit(lp));
    if (txr1i) treated[i] = 1;
    // Ineligible patients: prior TXR1-pathway therapy (a resistant tumour: the agent does as poorly as
    // without the activation) or organ dysfunction (more toxicity).
    const effect = p.eligible && p.target ? delta : deltaOther;
    const tox = cr.bernoulli(txr1i ? toxRiskTxr1i(p, toxShift + (p.eligible ? 0 : INELIGIBLE_TOX_SHIFT)) : TOX_RISK_OTHER);
    const eta = benefitEta(p) + comparator + (txr1i ? effect : 0) - (tox ? TOX_BENEFIT_PENALTY : 0);
    const benefit = cr.bernoulli(expit(eta));
    failure[i] = tox ? 2 : benefit ? 0 : 1;
    const assessed = cr.bernoulli(expit((txr1i ? ASSESS.txr1i : ASSESS.comparator) - ASSESS.toxStop * (tox ? 1 : 0) - 0.6 * (p.ecog === 2 ? 1 : 0) - 0.3 * Math.log(p.burden)));
    registry.push([
      p.id, p.eligible ? 1 : 0, p.age, p.sex, `S${p.site}`, `P${p.period + 1}`, p.ecog, p.burden, p.priorLines, p.priorResistance, p.lineage,
      txr1i ? 'TXR1i' : 'non_TXR1', assessed ? 1 : 0, assessed ? (benefit ? 1 : 0) : null, tox ? 1 : 0, p.t0,
    ]);
  }

  // Tumour samples, long-read SV calls and expression.
  const sr = root.split('samples');
  const samples = new TsvBytes(['sample_id', 'patient_id', 'collection_day', 'purity', 'read_n50_kb', 'rin', 'qc_pass'], 1 << 23);
  const svs = new TsvBytes(['sample_id', 'sv_id', 'sv_class', 'chrom1', 'pos1', 'chrom2', 'pos2', 'alt_reads', 'total_reads', 'mapq', 'txr1_domain_overlap'], 1 << 23);
  const expr = new TsvBytes(['sample_id', 'txr1_log2tpm', 'txr1_3p5p_ratio', 'dlr1_log2tpm'], 1 << 23);
  let nSample = 0;
  let nSv = 0;
  const lineageBase = { A: 3.0, B: 2.6, C: 2.2 } as const;
  const addSample = (p: Patient, day: number, opts: { defect: Defect; activated: boolean; acquired: boolean }) => {
    nSample += 1;
    const sid = `TS${String(nSample).padStart(6, '0')}`;
    const { defect } = opts;
    const purity = r4(defect === 'low_purity' ? sr.uniformRange(0.05, 0.19) : 0.2 + 0.75 * beta(sr, 4, 3));
    const n50 = Math.round((defect === 'short_n50' ? sr.uniformRange(3, 9.5) : Math.max(10.5, gauss(sr, 22, 5))) * 10) / 10;
    const rin = Math.round((defect === null ? sr.uniformRange(6.5, 9.8) : sr.uniformRange(3.0, 8.0)) * 10) / 10;
    samples.push([sid, p.id, day, purity, n50, rin, defect === 'qc_fail' ? 0 : 1]);
    const depth = poisson(sr, 38);
    const span = defect === 'short_n50' ? 0.25 : 1; // short reads rarely span the breakpoint
    const call = (cls: string, c1: string, p1: number, c2: string, p2: number, vaf: number, overlap: number, minAlt = 0) => {
      const total = Math.max(depth, 1);
      const alt = Math.max(minAlt, binomial(sr, total, Math.min(1, vaf * span)));
      if (alt < 2) return; // below the caller's minimum support
      nSv += 1;
      const mapq = sr.bernoulli(0.9) ? 60 : sr.integer(15, 59);
      svs.push([sid, `SV${String(nSv).padStart(7, '0')}`, cls, c1, p1, c2, p2, Math.min(alt, total), total, mapq, overlap]);
    };
    const inDomain = () => sr.integer(REGION.txr1DomainStart, REGION.txr1DomainEnd);
    let fusion = false;
    if (opts.activated) {
      const cls = ['TRA', 'DUP', 'INV'][DRAW.svClass.sample(sr)];
      fusion = cls === 'TRA';
      const p1 = inDomain();
      if (cls === 'TRA') call(cls, REGION.chrom, p1, `chr${sr.integer(1, 21)}`, sr.integer(1e6, 9e7), (purity * sr.uniformRange(0.6, 1)) / 2, 1);
      else call(cls, REGION.chrom, p1, REGION.chrom, p1 + sr.integer(5_000, 400_000), (purity * sr.uniformRange(0.6, 1)) / 2, 1);
    }
    if (p.passenger) {
      const p1 = inDomain();
      call(sr.bernoulli(0.5) ? 'DEL' : 'INV', REGION.chrom, p1, REGION.chrom, p1 + sr.integer(2_000, 60_000), (purity * sr.uniformRange(0.3, 0.9)) / 2, 1);
    }
    if (p.del5Bp && sr.bernoulli(0.85)) {
      const copies = p.diplotype.filter((a) => a === 4).length;
      call('DEL', REGION.chrom, p.del5Bp[0] + sr.integer(-300, 300), REGION.chrom, p.del5Bp[1] + sr.integer(-300, 300), copies === 2 ? 0.97 : 0.5, 1);
    }
    // Low-quality libraries: chimeric reads give an artefactual call in the TXR1 domain in most samples.
    if (defect !== null && sr.bernoulli(0.95)) {
      const p1 = inDomain();
      call(sr.bernoulli(0.5) ? 'TRA' : 'INV', REGION.chrom, p1, sr.bernoulli(0.5) ? REGION.chrom : `chr${sr.integer(1, 21)}`, p1 + sr.integer(3_000, 200_000), 0, 1, sr.integer(3, 8));
    }
    for (let k = poisson(sr, BACKGROUND_SVS); k > 0; k--) {
      const c = `chr${sr.integer(1, 21)}`;
      const p1 = sr.integer(1e6, 9e7);
      const cls = ['DEL', 'DUP', 'INV', 'TRA'][sr.integer(0, 3)];
      const c2 = cls === 'TRA' ? `chr${((Number(c.slice(3)) + sr.integer(0, 19)) % 21) + 1}` : c;
      call(cls, c, p1, c2, cls === 'TRA' ? sr.integer(1e6, 9e7) : p1 + sr.integer(1_000, 2e6), (purity * sr.uniformRange(0.2, 1)) / 2, 0);
    }
    // Expression: tumour cells overexpress TXR1 when activated (SV or amplification) and, less, with a
    // germline *5 deletion (an insulator lost); bulk mixes stroma. Degraded RNA over-counts the
    // 3′-biased TXR1 probe.
    const copies5 = p.diplotype.filter((a) => a === 4).length;
    const up = opts.activated ? 3.3 + gauss(sr, 0, 0.4) : p.ampNoSv ? 2.5 + gauss(sr, 0, 0.3) : copies5 > 0 ? 2.5 + gauss(sr, 0, 0.3) : 0;
    const tumour = 2 ** (lineageBase[p.lineage] + gauss(sr, 0, 0.45) + up);
    const bulk = purity * tumour + (1 - purity) * 2 ** 1.5;
    const degraded = defect === null ? 0 : 2.2 + gauss(sr, 0, 0.5);
    expr.push([
      sid,
      r4(Math.log2(bulk) + degraded + gauss(sr, 0, defect === null ? 0.15 : 0.5)),
      r4(fusion ? 1.5 + gauss(sr, 0, 0.3) : 1 + gauss(sr, 0, 0.25)),
      r4(4 - 0.8 * copies5 + gauss(sr, 0, 0.3)),
    ]);
  };
  patients.forEach((p, i) => {
    const b = biopsies[i];
    addSample(p, p.t0 - sr.integer(3, 60), { defect: b.first, activated: p.target, acquired: false });
    if (b.repeat) addSample(p, p.t0 - sr.integer(0, 20), { defect: null, activated: p.target, acquired: false });
    // Re-biopsy after time zero mostly follows treatment failure (a toxicity stop forces a switch; a
    // progression prompts a new target work-up), so a target call that uses post-time-zero samples
    // selects on the outcome: it adds failures, most of them toxicity stops on TXR1i, to the subgroup.
    const fail = failure[i];
    if (sr.bernoulli(fail === 2 ? 0.9 : fail === 1 ? 0.3 : 0.06)) {
      const acquires = !p.target && sr.bernoulli(0.68);
      addSample(p, p.t0 + sr.integer(30, 300), { defect: null, activated: p.target || acquires, acquired: acquires });
    }
  });

  // Germline DLR1 pharmacogenomics and the allele table.
  const pgx = new TsvBytes(['patient_id', 'dlr1_diplotype', 'dlr1_sv_bp1', 'dlr1_sv_bp2', 'lab_phenotype'], 1 << 21);
  for (const p of patients)
    pgx.push([p.id, `${DLR1_ALLELES[p.diplotype[0]].allele}/${DLR1_ALLELES[p.diplotype[1]].allele}`, p.del5Bp ? p.del5Bp[0] : null, p.del5Bp ? p.del5Bp[1] : null, p.labPhenotype]);
  const alleleTable = new TsvBytes(['allele', 'function_value', 'structural'], 256);
  for (const a of DLR1_ALLELES) alleleTable.push([a.allele, a.value, a.structural]);

  const files: CaseFile[] = [
    { path: 'registry.tsv.gz', data: registry.gzip() },
    { path: 'tumor_samples.tsv.gz', data: samples.gzip() },
    { path: 'longread_sv_calls.tsv.gz', data: svs.gzip() },
    { path: 'tumor_expression.tsv.gz', data: expr.gzip() },
    { path: 'germline_pgx.tsv.gz', data: pgx.gzip() },
    { path: 'dlr1_allele_table.tsv.gz', data: alleleTable.gzip() },
  ];
  let nEstimand = 0;
  let nEstimandTreated = 0;
  let latent: TxrLatent | undefined;
  patients.forEach((p, i) => {
    if (!inEstimand(p, biopsies[i])) return;
    nEstimand++;
    nEstimandTreated += treated[i];
  });
  return {
    files,
    truth,
    // The data check of the serving rule is stored as its verdict only (null = fine), so meta does
    // not tell the size of the target subgroup.
    meta: { n_patients: N_PATIENTS, n_samples: nSample, n_sv_calls: nSv, data_check: dataCheck(nEstimand, nEstimandTreated) },
    // Built on first use only (tests and probes; serving never reads it), then kept.
    get latent(): TxrLatent {
      return (latent ??= {
        ...scenario,
        nEstimand,
        nEstimandTreated,
        nTargetsUnclassifiable: patients.filter((p, i) => p.eligible && p.target && !usable(biopsies[i])).length,
        estimandIds: patients.filter((p, i) => inEstimand(p, biopsies[i])).map((p) => p.id),
        decoys: Object.fromEntries(
          patients.map((p, i) => [
            p.id,
            [p.target ? 'T' : '', p.eligible ? '' : 'inel', p.passenger ? 'pass' : '', p.ampNoSv ? 'amp' : '', p.del5Bp ? 'del5' : '', usable(biopsies[i]) ? '' : 'lq', biopsies[i].first ? 'lq1' : ''].filter(Boolean).join('+'),
          ]),
        ),
      });
    },
  };
}
