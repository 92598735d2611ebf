// Simulator for case 1: SV-driven TXR1 activation, TXR1 inhibitor (TXR1i) benefit vs toxicity.
//
// Patients carry a true time-zero target state T (an SV activating TXR1, prevalence by lineage),
// clinical covariates and a germline DLR1 diplotype. Each instance draws its drug: the benefit
// log-odds δ in targets and a log-odds shift of the whole toxicity profile, independently, so the
// net clinical utility is positive on some seeds and negative (a modest effect with a very toxic
// regimen) on others; the truth must clear a margin |NCU| ≥ 8 pp. Treatment is assigned by
// indication (the clinic's own imperfect SV test, prior resistance, ECOG 2, period, the lab DLR1
// phenotype), with a positivity pocket (site S6 never uses TXR1i in P1). Toxicity depends on DLR1
// phenotype; a toxicity stop lowers benefit and makes the week-16 assessment less likely
// (informative missingness).
// Evidence files carry the traps: ineligible patients, passenger SVs near TXR1 without overexpression,
// amplification without an SV, germline DLR1*5 deletions seen in tumour long reads, SVs acquired after
// time zero in re-biopsies that mostly follow treatment failure (so using them selects on the
// outcome), low-purity / short-N50 samples, patients with no usable baseline sample, and lab
// phenotypes from an outdated table that calls *2 normal.

import type { CaseFile, Truth } from '../types.js';
import { gzip } from '../framework/gzip.js';
import { Rng } from '../framework/prng.js';
import { beta, binomial, categorical, normal, poisson } from '../framework/samplers.js';
import { expit } from '../framework/special.js';
import { writeTsv, type Cell } from '../framework/tsv.js';
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
// 9,000 patients (design notes: 6,000): the reference's sampling error, and with it the tolerance, is
// ≈ 20% smaller, which keeps the traps biting on the seeds where the benefit is small.
const N_PATIENTS = 9_000;
const TARGET_PREVALENCE = { A: 0.4, B: 0.28, C: 0.15 } as const;

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

/** The drug in this instance: benefit log-odds δ in targets and the log-odds shift of its toxicity. */
export interface TxrScenario {
  delta: number;
  toxShift: number;
}

export interface TxrTruthDetail extends TxrScenario {
  nTargetsEligible: number;
}

export interface TxrSimulation {
  files: CaseFile[];
  truth: Truth;
  meta: Record<string, unknown>;
  latent: TxrTruthDetail & { targetIds: string[] };
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

function drawPatients(rng: Rng): Patient[] {
  const out: Patient[] = [];
  const alleleW = DLR1_ALLELES.map((a) => a.freq);
  for (let i = 0; i < N_PATIENTS; i++) {
    const lineage = (['A', 'B', 'C'] as const)[categorical(rng, [0.5, 0.3, 0.2])];
    const priorLines = Math.min(4, poisson(rng, 1.2));
    const dip: [number, number] = [categorical(rng, alleleW), categorical(rng, alleleW)];
    dip.sort((a, b) => a - b);
    const activity = DLR1_ALLELES[dip[0]].value + DLR1_ALLELES[dip[1]].value;
    // Outdated table: *2 counted as fully functional.
    const outdated = rng.bernoulli(0.08);
    const labActivity = dip.reduce((s, a) => s + (outdated && a === 1 ? 1 : DLR1_ALLELES[a].value), 0);
    const n5 = dip.filter((a) => a === 4).length;
    const period = categorical(rng, [0.3, 0.35, 0.35]);
    const target = rng.bernoulli(TARGET_PREVALENCE[lineage]);
    out.push({
      id: `MTB${String(i + 1).padStart(4, '0')}`,
      eligible: rng.bernoulli(0.9),
      age: Math.round(Math.min(90, Math.max(25, normal(rng, 64, 10)))),
      sex: rng.bernoulli(0.5) ? 'F' : 'M',
      site: rng.integer(1, 8),
      period,
      t0: period * 365 + rng.integer(0, 364),
      ecog: categorical(rng, [0.45, 0.4, 0.15]),
      burden: Math.round(Math.exp(normal(rng, 1.6, 0.45)) * 10) / 10,
      priorLines,
      priorResistance: rng.bernoulli(expit(-1.2 + 0.4 * priorLines)) ? 1 : 0,
      lineage,
      phenotype: phenotypeOf(activity),
      target,
      diplotype: dip,
      labPhenotype: phenotypeOf(labActivity),
      del5Bp: n5 > 0 ? [REGION.dlr1Del5Bp1 + rng.integer(-1500, 1500), REGION.dlr1Del5Bp2 + rng.integer(-1500, 1500)] : null,
      // 15% of non-targets (design notes: 8%): enough decoys that an SV-only target call dilutes the effect.
      passenger: !target && rng.bernoulli(0.15),
      ampNoSv: !target && rng.bernoulli(0.06),
    });
  }
  return out;
}

/**
 * The code must be well determined: |NCU| ≥ 8 pp, ≈ 2.7 × the reference's NCU RMSE (3.01 pp in the
 * 200-seed sweep), so the reference's code is wrong with probability < 0.5% even at the margin
 * (0 of 200 seeds in the sweep; such sub-seeds would be re-drawn by the serving rule).
 */
export const NCU_MARGIN_PP = 8;

/**
 * δ and the toxicity shift are drawn independently, from a drug that works well and is tolerable
 * (δ 2.2, shift 0: RD ≈ 38 pp, toxicity ≈ 26%) to one with a modest effect and a very toxic regimen
 * (δ 1.1, shift 2.4: RD ≈ 5 pp, toxicity ≈ 75%), so that after the margin rule 42% of seeds have
 * NCU < 0 (code 0; 200-seed sweep). δ stays ≥ 1.1 because the diluting traps move the benefit in
 * proportion to the effect: below it the decoy-diluted and unadjusted analyses land inside the tolerance.
 */
export function drawScenario(rng: Rng): TxrScenario {
  return { delta: rng.uniformRange(1.1, 2.2), toxShift: rng.uniformRange(0, 2.4) };
}

/** Sample-conditional oracle over eligible true targets. */
export function oracleTruth(patients: readonly Patient[], { delta, toxShift }: TxrScenario): Truth {
  let rd = 0;
  let tox = 0;
  let n = 0;
  for (const p of patients) {
    if (!p.eligible || !p.target) continue;
    rd += benefitProb(p, true, true, delta, toxShift) - benefitProb(p, false, true, delta, toxShift);
    tox += toxRiskTxr1i(p, toxShift);
    n += 1;
  }
  const benefit = (100 * rd) / n;
  const toxicity = (100 * tox) / n;
  const ncu = benefit - NCU_TOX_WEIGHT * toxicity;
  return { therapy_class_code: ncu > 0 ? 1 : 0, benefit_rd_pp: benefit, toxicity_dropout_risk_pp: toxicity, net_clinical_utility_pp: ncu };
}

/**
 * Patients, drug scenario and oracle truth of (seed, subSeed), the first stage of simulateTxr (cheap:
 * no files). `forced` fixes the scenario, without the margin rule (for tests and calibration probes).
 */
export function drawTruth(seed: number, subSeed: number, forced?: TxrScenario): { root: Rng; patients: Patient[]; scenario: TxrScenario; truth: Truth } {
  const root = Rng.from(CASE_ID, seed, subSeed);
  const patients = drawPatients(root.split('patients'));
  const dr = root.split('delta');
  let scenario: TxrScenario = forced ?? drawScenario(dr);
  let truth = oracleTruth(patients, scenario);
  // Re-draw the drug (not the patients) until the truth clears the decision margin.
  for (let k = 0; !forced && k < 100 && Math.abs(truth.net_clinical_utility_pp) < NCU_MARGIN_PP; k++) {
    scenario = drawScenario(dr);
    truth = oracleTruth(patients, scenario);
  }
  return { root, patients, scenario, truth };
}

export function simulateTxr(seed: number, subSeed: number, forced?: TxrScenario): TxrSimulation {
  const { root, patients, scenario, truth } = drawTruth(seed, subSeed, forced);
  const { delta, toxShift } = scenario;

  // Registry: assignment by indication, toxicity, benefit, assessment.
  const cr = root.split('clinic');
  const registry: Cell[][] = [];
  const failure = new Map<Patient, 'progression' | 'toxicity'>(); // who failed treatment, and how
  for (const p of patients) {
    const decoy = p.passenger || p.del5Bp !== null;
    const clinicTest = p.target ? cr.bernoulli(0.85) : decoy ? cr.bernoulli(0.5) : cr.bernoulli(0.04);
    const lp =
      // Stronger than the design notes' first draft (1.5 / 1.0 / −1.8): with those, crude analyses
      // missed by only 1–4 pp, inside the reference's own sampling error.
      -1.3 + 1.4 * (clinicTest ? 1 : 0) + 2.5 * p.priorResistance + 1.8 * (p.ecog === 2 ? 1 : 0) + 0.8 * (p.period === 2 ? 1 : 0) + 0.4 * (p.period === 1 ? 1 : 0) -
      2.8 * (p.labPhenotype === 'PM' ? 1 : 0) - 0.7 * (p.labPhenotype === 'IM' ? 1 : 0);
    const txr1i = p.site === 6 && p.period === 0 ? false : cr.bernoulli(expit(lp));
    const tox = cr.bernoulli(txr1i ? toxRiskTxr1i(p, toxShift) : TOX_RISK_OTHER);
    const eta = benefitEta(p) + (txr1i && p.target ? delta : 0) - (tox ? TOX_BENEFIT_PENALTY : 0);
    const benefit = cr.bernoulli(expit(eta));
    if (tox) failure.set(p, 'toxicity');
    else if (!benefit) failure.set(p, 'progression');
    const assessed = cr.bernoulli(expit(2.0 - 1.8 * (tox ? 1 : 0) - 0.6 * (p.ecog === 2 ? 1 : 0) - 0.3 * Math.log(p.burden)));
    registry.push([
      p.id, p.eligible ? 1 : 0, p.age, p.sex, `S${p.site}`, `P${p.period + 1}`, p.ecog, p.burden, p.priorLines, p.priorResistance, p.lineage,
      txr1i ? 'TXR1i' : 'non_TXR1', assessed ? 1 : 0, assessed ? (benefit ? 1 : 0) : null, tox ? 1 : 0, p.t0,
    ]);
  }

  // Tumour samples, long-read SV calls and expression.
  const sr = root.split('samples');
  const samples: Cell[][] = [];
  const svs: Cell[][] = [];
  const expr: Cell[][] = [];
  let nSample = 0;
  let nSv = 0;
  const lineageBase = { A: 3.0, B: 2.6, C: 2.2 } as const;
  const addSample = (p: Patient, day: number, opts: { lowQuality: boolean; activated: boolean; acquired: boolean }) => {
    nSample += 1;
    const sid = `TS${String(nSample).padStart(5, '0')}`;
    const lowPurity = opts.lowQuality && sr.bernoulli(0.55);
    const shortN50 = opts.lowQuality && !lowPurity ? sr.bernoulli(0.75) : false;
    const purity = r4(lowPurity ? sr.uniformRange(0.05, 0.19) : 0.2 + 0.75 * beta(sr, 4, 3));
    const n50 = Math.round((shortN50 ? sr.uniformRange(3, 9.5) : Math.max(10.5, normal(sr, 22, 5))) * 10) / 10;
    const rin = Math.round(sr.uniformRange(5.5, 9.8) * 10) / 10;
    // Library QC failures (random) only mark the sample; purity and N50 are for the analyst to check.
    const qcPass = opts.lowQuality && !lowPurity && !shortN50 ? 0 : sr.bernoulli(0.03) ? 0 : 1;
    samples.push([sid, p.id, day, purity, n50, rin, qcPass]);
    const depth = poisson(sr, 38);
    const span = n50 >= 10 ? 1 : 0.25; // short reads rarely span the breakpoint
    const call = (cls: string, c1: string, p1: number, c2: string, p2: number, vaf: number, overlap: number) => {
      const total = Math.max(depth, 1);
      const alt = binomial(sr, total, Math.min(1, vaf * span));
      if (alt < 2) return; // below the caller's minimum support
      nSv += 1;
      const mapq = sr.bernoulli(0.9) ? 60 : sr.integer(15, 59);
      svs.push([sid, `SV${String(nSv).padStart(6, '0')}`, cls, c1, p1, c2, p2, alt, total, mapq, overlap]);
    };
    const inDomain = () => sr.integer(REGION.txr1DomainStart, REGION.txr1DomainEnd);
    const activating = () => {
      const cls = ['TRA', 'DUP', 'INV'][categorical(sr, [0.4, 0.3, 0.3])];
      const p1 = inDomain();
      if (cls === 'TRA') call(cls, REGION.chrom, p1, `chr${sr.integer(1, 21)}`, sr.integer(1e6, 9e7), (purity * sr.uniformRange(0.6, 1)) / 2, 1);
      else call(cls, REGION.chrom, p1, REGION.chrom, p1 + sr.integer(5_000, 400_000), (purity * sr.uniformRange(0.6, 1)) / 2, 1);
    };
    if (opts.activated) activating();
    if (p.passenger) {
      const p1 = inDomain();
      call(sr.bernoulli(0.5) ? 'DEL' : 'INV', REGION.chrom, p1, REGION.chrom, p1 + sr.integer(2_000, 60_000), (purity * sr.uniformRange(0.1, 0.7)) / 2, 1);
    }
    if (p.del5Bp && sr.bernoulli(0.85)) {
      const copies = p.diplotype.filter((a) => a === 4).length;
      call('DEL', REGION.chrom, p.del5Bp[0] + sr.integer(-300, 300), REGION.chrom, p.del5Bp[1] + sr.integer(-300, 300), copies === 2 ? 0.97 : 0.5, 1);
    }
    for (let k = poisson(sr, 1.4); k > 0; k--) {
      const c = `chr${sr.integer(1, 21)}`;
      const p1 = sr.integer(1e6, 9e7);
      const cls = ['DEL', 'DUP', 'INV', 'TRA'][sr.integer(0, 3)];
      const c2 = cls === 'TRA' ? `chr${((Number(c.slice(3)) + sr.integer(0, 19)) % 21) + 1}` : c;
      call(cls, c, p1, c2, cls === 'TRA' ? sr.integer(1e6, 9e7) : p1 + sr.integer(1_000, 2e6), (purity * sr.uniformRange(0.2, 1)) / 2, 0);
    }
    // Expression: tumour cells overexpress TXR1 when activated (SV or amplification); bulk mixes stroma.
    const up = opts.activated ? 3 + normal(sr, 0, 0.4) : p.ampNoSv ? 2.5 + normal(sr, 0, 0.4) : 0;
    const tumour = 2 ** (lineageBase[p.lineage] + normal(sr, 0, 0.45) + up);
    const bulk = purity * tumour + (1 - purity) * 2 ** 1.5;
    const noise = qcPass ? 0.15 : 0.8;
    const copies5 = p.diplotype.filter((a) => a === 4).length;
    expr.push([
      sid,
      r4(Math.log2(bulk) + normal(sr, 0, noise)),
      r4(opts.activated && !opts.acquired ? 1.9 + normal(sr, 0, 0.25) : opts.activated ? 1.6 + normal(sr, 0, 0.3) : 1 + normal(sr, 0, 0.15)),
      r4(4 - 0.8 * copies5 + normal(sr, 0, 0.3)),
    ]);
  };
  for (const p of patients) {
    const lowQuality = sr.bernoulli(0.12);
    addSample(p, p.t0 - sr.integer(3, 60), { lowQuality, activated: p.target, acquired: false });
    if (lowQuality && sr.bernoulli(0.45)) addSample(p, p.t0 - sr.integer(0, 20), { lowQuality: false, activated: p.target, acquired: false });
    // Re-biopsy after time zero mostly follows treatment failure (a toxicity stop forces a switch; a
    // progression prompts a new target work-up), so a target call that uses post-time-zero samples
    // selects on the outcome: it adds failures, most of them toxicity stops on TXR1i, to the
    // subgroup. This bias does not shrink with δ, so the trap bites when the benefit is small too.
    const fail = failure.get(p);
    if (sr.bernoulli(fail === 'toxicity' ? 0.9 : fail === 'progression' ? 0.3 : 0.06)) {
      const acquires = !p.target && sr.bernoulli(0.68);
      addSample(p, p.t0 + sr.integer(30, 300), { lowQuality: sr.bernoulli(0.1), activated: p.target || acquires, acquired: acquires });
    }
  }

  // Germline DLR1 pharmacogenomics and the allele table.
  const pgx: Cell[][] = patients.map((p) => [
    p.id,
    `${DLR1_ALLELES[p.diplotype[0]].allele}/${DLR1_ALLELES[p.diplotype[1]].allele}`,
    p.del5Bp ? p.del5Bp[0] : null,
    p.del5Bp ? p.del5Bp[1] : null,
    p.labPhenotype,
  ]);
  const alleleTable: Cell[][] = DLR1_ALLELES.map((a) => [a.allele, a.value, a.structural]);

  const tsv = (h: string[], rows: Cell[][]) => gzip(writeTsv(h, rows));
  const files: CaseFile[] = [
    {
      path: 'registry.tsv.gz',
      data: tsv(
        ['patient_id', 'analysis_set', 'age', 'sex', 'site', 'calendar_period', 'ecog', 'tumor_burden', 'prior_lines', 'prior_resistance', 'lineage_class', 'therapy_class', 'assessed16', 'benefit16', 'tox_stop_8wk', 'time_zero_day'],
        registry,
      ),
    },
    { path: 'tumor_samples.tsv.gz', data: tsv(['sample_id', 'patient_id', 'collection_day', 'purity', 'read_n50_kb', 'rin', 'qc_pass'], samples) },
    { path: 'longread_sv_calls.tsv.gz', data: tsv(['sample_id', 'sv_id', 'sv_class', 'chrom1', 'pos1', 'chrom2', 'pos2', 'alt_reads', 'total_reads', 'mapq', 'txr1_domain_overlap'], svs) },
    { path: 'tumor_expression.tsv.gz', data: tsv(['sample_id', 'txr1_log2tpm', 'txr1_3p5p_ratio', 'dlr1_log2tpm'], expr) },
    { path: 'germline_pgx.tsv.gz', data: tsv(['patient_id', 'dlr1_diplotype', 'dlr1_sv_bp1', 'dlr1_sv_bp2', 'lab_phenotype'], pgx) },
    { path: 'dlr1_allele_table.tsv.gz', data: tsv(['allele', 'function_value', 'structural'], alleleTable) },
  ];
  const targets = patients.filter((p) => p.eligible && p.target);
  return {
    files,
    truth,
    meta: { n_patients: N_PATIENTS, n_samples: nSample, n_sv_calls: nSv },
    latent: { delta, toxShift, nTargetsEligible: targets.length, targetIds: targets.map((p) => p.id) },
  };
}
