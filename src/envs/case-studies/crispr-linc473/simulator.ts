// Simulator for case 2: a CRISPRi tiling screen over the divergent LINC473/KIN1 promoter, guide-level
// local expression, a CasRx transcript-targeting follow-up and an arrayed single-guide follow-up.
// Effects are drawn continuously per instance. Planted in every instance:
// - KIN1 repression by LINC473-promoter guides (CRISPRi spreads ~250 bp; kL–kK collinearity);
// - a local DNA-occupancy effect for every guide within 1 kb of the LINC473 TSS;
// - an ANKRD42 enhancer inside the LINC473 promoter: guides near it repress ANKRD42 (40 kb away),
//   a fitness gene in its own right;
// - a GC-dependent amplification bias of the day-10 screen libraries (a measurement bias of the
//   pooled counts only; arrayed and CasRx growth are cell counts and carry none);
// - bottlenecked guides (tiny day-0 representation, GC-rich ones more often) that drift down by day 10;
// - CasRx growth read at day 20 (twice the day-10 scale) and some T1 guides that also knock down
//   KIN1 mRNA (kd_KIN1);
// - arrayed growth that is raw (not yet relative to controls) with plate offsets, and plates 2 (KIN1
//   guides) and 3 (safe-targeting guides) seeded from each other's plate map (visible only in
//   seq_confirmed_guide).

import type { CaseFile, Truth } from '../types.js';
import { advanceRule, gcHingeSmooth, kernel, LOCUS, RULE, type LincEffects } from './model.js';
import { caseRng, type Rng } from './rng.js';
import { tsvGz } from './io.js';

export const CASE_ID = 'crispr-linc473';

/**
 * Design sizes: the guide classes of the task definition with denser tiling (60 promoter, 50 KIN1,
 * 15 ANKRD42 guides instead of 40/15/5) and deep read coverage, so the locus model is precise
 * enough that the truth spreads over many tolerance widths.
 */
export const DESIGN = {
  promoterGuides: 60,
  kinGuides: 50,
  bodyGuides: 10,
  ankGuides: 15,
  ntcGuides: 110,
  safeGuides: 40,
  replicates: 3,
  readsPerGuide: 10_000,
  bottleneckShare: 0.03,
  casrxT1: 12,
  casrxT1OffTarget: 5,
  casrxT2: 5,
  casrxNtc: 8,
  arrayedPlates: 4,
  arrayedGuidesPerPlate: 24,
  arrayedNtcPerPlate: 20,
} as const;

interface Guide {
  id: string;
  nominal: 'LINC473_promoter' | 'KIN1_TSS' | 'LINC473_body' | 'ANKRD42' | 'NTC' | 'safe_targeting';
  chr: string;
  coord: number | null;
  strand: '+' | '-' | '';
  gc: number;
  pool: string;
  nOff: number;
  kL: number;
  kT2: number;
  kK: number;
  kA: number;
  inWindow: boolean;
  /** under-represented in the plasmid library (tiny day-0 counts) */
  bottleneck: boolean;
  /** the guide's true day-10 log2 growth effect vs matched controls (biology + guide scatter) */
  lfc: number;
}

/** guide-level biological scatter of the growth effect (log2) */
export const GUIDE_SCATTER = 0.025;

const logUniform = (rng: Rng, lo: number, hi: number) => Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * rng.uniform());

/**
 * Effects drawn per instance. Magnitudes are log-uniform (no mass at zero) with mostly negative
 * signs; truths inside the decision margins (|βL + 0.08| < 0.03, |βK + 0.25| < 0.06) are re-drawn
 * so the decision is identifiable.
 */
export function drawEffects(rng: Rng): LincEffects {
  const unif = (a: number, b: number) => a + (b - a) * rng.uniform();
  let betaL: number;
  do betaL = rng.uniform() < 0.88 ? -logUniform(rng, 0.06, 1.2) : logUniform(rng, 0.06, 0.3);
  while (Math.abs(betaL - RULE.lnc) < RULE.lncMargin);
  let betaK: number;
  do betaK = rng.uniform() < 0.75 ? -logUniform(rng, 0.1, 3.0) : logUniform(rng, 0.1, 0.35);
  while (Math.abs(betaK - RULE.neighbour) < RULE.neighbourMargin);
  return {
    betaL,
    betaK,
    betaA: -logUniform(rng, 1.0, 2.5),
    betaD: unif(-0.3, -0.1),
    enhancerPos: Math.round(unif(LOCUS.kinTss + 150, LOCUS.kinTss + 320)),
    enhancerShare: unif(0.7, 0.95),
    gcKnot: unif(0.55, 0.65),
    gcSlope: unif(-0.6, -0.35),
  };
}

function makeGuides(rng: Rng, fx: LincEffects): Guide[] {
  const guides: Guide[] = [];
  let n = 0;
  const add = (nominal: Guide['nominal'], coord: number | null, gc: number, chr: string = LOCUS.chrom) => {
    n += 1;
    const eff = coord === null ? 0 : rng.beta(6, 2);
    const onLocus = coord !== null && chr === LOCUS.chrom;
    const d = (tss: number) => (onLocus ? (coord as number) - tss : Infinity);
    const kL = onLocus ? kernel(eff, d(LOCUS.lncTss)) : 0;
    const kT2 = onLocus ? Math.max(kL, kernel(eff, d(LOCUS.lncT2Tss))) : 0; // T2 shares exons with T1
    const kK = onLocus ? kernel(eff, d(LOCUS.kinTss), 0.9) : 0;
    // ANKRD42: repressed at its own TSS, and partly through its enhancer in the LINC473 promoter.
    const kA = onLocus ? Math.min(0.98, kernel(eff, d(LOCUS.ankTss)) + kernel(eff, d(fx.enhancerPos), fx.enhancerShare, LOCUS.enhancerBp)) : 0;
    const inWindow = onLocus && Math.abs(d(LOCUS.lncTss)) <= LOCUS.dnaWindowBp;
    const lfc = fx.betaL * kL + fx.betaK * kK + fx.betaA * kA + (inWindow ? fx.betaD : 0) + rng.normal(0, GUIDE_SCATTER);
    guides.push({
      id: `g${String(n).padStart(3, '0')}`,
      nominal,
      chr: coord === null ? '' : chr,
      coord,
      strand: coord === null ? '' : rng.uniform() < 0.5 ? '+' : '-',
      gc,
      pool: rng.uniform() < 0.5 ? 'P1' : 'P2',
      nOff: coord === null ? 0 : rng.uniform() < 0.85 ? 0 : 1 + Math.floor(rng.uniform() * 3),
      kL,
      kT2,
      kK,
      kA,
      inWindow,
      // GC-rich oligos are under-represented after library synthesis and cloning.
      bottleneck: rng.uniform() < DESIGN.bottleneckShare + 0.3 * Math.max(0, gc - 0.72) / 0.18,
      lfc,
    });
  };
  const unif = (a: number, b: number) => a + (b - a) * rng.uniform();
  // The promoter is a CpG island: GC-rich guides exactly where the signal is.
  // GC peaks at the KIN1 TSS and falls off towards the island's edges.
  const islandGc = (c: number) => round2(Math.min(0.9, 0.55 + 0.27 * Math.exp(-(((c - LOCUS.islandCentre) / 450) ** 2)) + unif(-0.04, 0.04)));
  for (let i = 0; i < DESIGN.promoterGuides; i++) {
    const c = Math.round(LOCUS.lncTss - 420 + i * 23 + unif(-6, 6));
    add('LINC473_promoter', c, islandGc(c));
  }
  for (let i = 0; i < DESIGN.kinGuides; i++) {
    const c = Math.round(LOCUS.kinTss - 300 + i * 12 + unif(-4, 4));
    add('KIN1_TSS', c, islandGc(c));
  }
  for (let i = 0; i < DESIGN.bodyGuides; i++) {
    const c = i < 4 ? LOCUS.lncT2Tss + unif(-250, 250) : LOCUS.lncTss + unif(1_600, 14_000);
    add('LINC473_body', Math.round(c), round2(unif(0.35, 0.6)));
  }
  for (let i = 0; i < DESIGN.ankGuides; i++) add('ANKRD42', Math.round(LOCUS.ankTss + unif(-250, 250)), round2(unif(0.4, 0.7)));
  for (let i = 0; i < DESIGN.ntcGuides; i++) add('NTC', null, round2(unif(0.3, 0.9)));
  const chroms = ['chr2', 'chr4', 'chr9', 'chr12', 'chr17'];
  for (let i = 0; i < DESIGN.safeGuides; i++) add('safe_targeting', Math.round(unif(1e6, 9e7)), round2(unif(0.3, 0.9)), chroms[i % 5]);
  return guides;
}

export interface LincSimulation {
  files: CaseFile[];
  truth: Truth;
  meta: Record<string, unknown>;
  /** latent per-guide values for tests and audits; never served */
  latent: { effects: LincEffects; guides: { id: string; kL: number; kK: number; kA: number; lfc: number; bottleneck: boolean }[] };
}

export function simulateLinc(seed: number, subSeed: number): LincSimulation {
  const root = caseRng(CASE_ID, seed, subSeed);
  const fx = drawEffects(root.stream('effects'));
  const guides = makeGuides(root.stream('guides'), fx);
  const files: CaseFile[] = [];

  // Guide table. Distances are blank for guides off the locus.
  const dist = (g: Guide, tss: number) => (g.coord === null || g.chr !== LOCUS.chrom ? '' : g.coord - tss);
  files.push({
    path: 'guides.tsv.gz',
    data: tsvGz(
      ['guide_id', 'nominal_target', 'chr', 'coord', 'strand', 'dist_lnc_tss_bp', 'dist_neighbor_tss_bp', 'library_pool', 'n_offtarget', 'guide_gc_frac'],
      guides.map((g) => [g.id, g.nominal, g.chr, g.coord ?? '', g.strand, dist(g, LOCUS.lncTss), dist(g, LOCUS.kinTss), g.pool, g.nOff, g.gc]),
    ),
  });

  // Pooled screen counts. Library skew (log-normal abundance) is shared by day 0 and day 10;
  // bottlenecked guides start from a few cells and drift. Each replicate has a growth offset and
  // a day-10 library with its own GC amplification bias (a smooth hinge above the knot).
  const cr = root.stream('screen');
  const abundance = guides.map((g) => Math.exp(cr.normal(0, 0.3)) * (g.bottleneck ? 0.0008 : 1));
  const counts: (string | number)[][] = [];
  for (let r = 1; r <= DESIGN.replicates; r++) {
    const offset = cr.normal(0.1, 0.05);
    const gcSlope = fx.gcSlope * (1 + cr.normal(0, 0.15));
    const a0 = guides.map((_, i) => DESIGN.readsPerGuide * abundance[i] * Math.exp(cr.normal(0, 0.1)));
    const day0 = a0.map((a) => cr.negBinomial(a, 10_000));
    const w = guides.map((g, i) => {
      // A guide carried by a few cells is often lost by chance (one-sided drift).
      const drift = g.bottleneck ? -Math.abs(cr.normal(0, 1.5)) : 0;
      return a0[i] * 2 ** (g.lfc + offset + cr.normal(0, 0.02) + drift + gcSlope * gcHingeSmooth(g.gc, fx.gcKnot));
    });
    const wSum = w.reduce((a, b) => a + b, 0);
    const depth10 = DESIGN.readsPerGuide * guides.length * (0.9 + 0.2 * cr.uniform());
    guides.forEach((g, i) => counts.push([g.id, r, day0[i], cr.negBinomial((depth10 * w[i]) / wSum, 10_000)]));
  }
  files.push({ path: 'crispri_screen_counts.tsv.gz', data: tsvGz(['guide_id', 'replicate', 'day0_count', 'day10_count'], counts) });

  // Guide-level local expression (qPCR-like, relative to NTC) for targeting guides and 20 NTCs.
  const er = root.stream('expression');
  const exprRows: (string | number)[][] = [];
  const ntcGuides = guides.filter((g) => g.nominal === 'NTC');
  const exprNtc = new Set(ntcGuides.slice(0, 20).map((g) => g.id));
  for (const g of guides) {
    const targeting = g.nominal !== 'NTC' && g.nominal !== 'safe_targeting';
    if (!targeting && !exprNtc.has(g.id)) continue;
    for (let r = 1; r <= 3; r++) {
      const row = (gene: string, k: number) => exprRows.push([g.id, r, gene, round4((1 - k) * Math.exp(er.normal(0, 0.02)))]);
      row('LINC473_T1', g.kL);
      row('LINC473_T2', g.kT2);
      row('KIN1', g.kK);
      row('ANKRD42', g.kA);
    }
  }
  files.push({ path: 'guide_local_expression.tsv.gz', data: tsvGz(['guide_id', 'replicate', 'gene', 'rel_expr_vs_ntc'], exprRows) });

  // CasRx: RNA-level knockdown of T1 (no effect on the DNA locus); some T1 guides also match KIN1
  // mRNA. Growth is read at day 20, so a constant per-day effect accumulates twice as long as day 10.
  const xr = root.stream('casrx');
  const plateOff = [xr.normal(0, 0.1), xr.normal(0, 0.1)];
  const casrx: (string | number)[][] = [];
  let cx = 0;
  const addCasrx = (iso: 'T1' | 'T2' | 'NTC', n: number, offTarget = 0) => {
    for (let i = 0; i < n; i++) {
      cx += 1;
      const base = iso === 'T1' ? xr.beta(8, 3) : iso === 'T2' ? 0.04 * xr.uniform() : 0;
      const baseKin = i < offTarget ? 0.5 + 0.4 * xr.uniform() : 0;
      const gc = round2(0.35 + 0.2 * xr.uniform());
      for (let r = 1; r <= 3; r++) {
        const plate = 1 + ((cx + r) % 2);
        const kd = clamp(base + xr.normal(0, 0.03), -0.2, 0.99);
        const kdKin = clamp(baseKin + xr.normal(0, 0.03), -0.2, 0.99);
        // NTC wells: the measured knockdowns are assay noise around zero, with no growth effect.
        const effect = iso === 'NTC' ? 0 : fx.betaL * kd + fx.betaK * kdKin;
        const y = plateOff[plate - 1] + 2 * effect + xr.normal(0, 0.03);
        casrx.push([`cx${String(cx).padStart(2, '0')}`, iso, plate, r, 20, round4(kd), round4(kdKin), round4(y), gc]);
      }
    }
  };
  addCasrx('T1', DESIGN.casrxT1, DESIGN.casrxT1OffTarget);
  addCasrx('T2', DESIGN.casrxT2);
  addCasrx('NTC', DESIGN.casrxNtc);
  files.push({
    path: 'casrx_followup.tsv.gz',
    data: tsvGz(['casrx_guide_id', 'target_isoform', 'plate', 'replicate', 'assay_day', 'kd_T1', 'kd_KIN1', 'log2_growth', 'gc'], casrx),
  });

  // Arrayed single-guide follow-up: 24 promoter guides (plate 1) and 24 KIN1 guides (plate 2)
  // spread evenly along each tiling, 24 safe-targeting guides (plate 3), the ANKRD42 guides and 9
  // gene-body guides (plate 4); three wells per guide plus 20 NTC wells per plate, every plate in
  // the same randomised layout. Values are raw log2(day10/day0) cell growth with a plate offset
  // (seeding density). Plates 2 and 3 were seeded from each other's plate map: each holds the
  // other's guides (seq_confirmed_guide shows it).
  const ar = root.stream('arrayed');
  const G = DESIGN.arrayedGuidesPerPlate;
  const ofKind = (k: Guide['nominal']) => guides.filter((g) => g.nominal === k);
  const picked = [
    ...pickEvery(ofKind('LINC473_promoter'), G),
    ...pickEvery(ofKind('KIN1_TSS'), G),
    ...pickEvery(ofKind('safe_targeting'), G),
    ...ofKind('ANKRD42'),
    ...pickEvery(ofKind('LINC473_body'), G - DESIGN.ankGuides),
  ];
  const arrayedNtc = ntcGuides.slice(20, 20 + DESIGN.arrayedPlates * DESIGN.arrayedNtcPerPlate);
  const template: { slot: number; ntc: boolean; replicate: number }[] = [];
  for (let r = 1; r <= 3; r++) for (let k = 0; k < G; k++) template.push({ slot: k, ntc: false, replicate: r });
  for (let k = 0; k < DESIGN.arrayedNtcPerPlate; k++) template.push({ slot: k, ntc: true, replicate: 1 + (k % 3) });
  shuffle(ar, template);
  const plateGuide = (p: number, t: (typeof template)[number]) => (t.ntc ? arrayedNtc[(p - 1) * DESIGN.arrayedNtcPerPlate + t.slot] : picked[(p - 1) * G + t.slot]);
  const baseGrowth = 5.5 + 1.5 * ar.uniform();
  const arrayed: (string | number)[][] = [];
  const wellName = (i: number) => `${'ABCDEFGH'[Math.floor(i / 12)]}${String((i % 12) + 1).padStart(2, '0')}`;
  const seededFrom = (p: number) => (p === 2 ? 3 : p === 3 ? 2 : p);
  for (let p = 1; p <= DESIGN.arrayedPlates; p++) {
    const off = ar.normal(0, 0.7);
    template.forEach((t, i) => {
      const actual = plateGuide(seededFrom(p), t);
      const y = baseGrowth + off + actual.lfc + ar.normal(0, 0.035);
      arrayed.push([plateGuide(p, t).id, p, wellName(i), t.replicate, actual.id, round4(y)]);
    });
  }
  files.push({
    path: 'single_guide_growth.tsv.gz',
    data: tsvGz(['guide_id', 'plate', 'well', 'replicate', 'seq_confirmed_guide', 'log2_growth_day10'], arrayed),
  });

  const truth: Truth = {
    advance_target: advanceRule(fx.betaL, fx.betaK),
    lncrna_specific_lfc: fx.betaL,
    neighbor_mediated_lfc: fx.betaK,
  };
  // Identifiability of the locus model (design facts, not an analysis): guides that repress KIN1
  // substantially and are not bottlenecked.
  const kinInformative = guides.filter((g) => g.kK >= 0.3 && !g.bottleneck).length;
  const ankInformative = guides.filter((g) => g.nominal === 'ANKRD42' && !g.bottleneck).length;
  return {
    files,
    truth,
    meta: { n_guides: guides.length, n_casrx_rows: casrx.length, n_arrayed_wells: arrayed.length, kin1_informative_guides: kinInformative, ankrd42_informative_guides: ankInformative },
    latent: { effects: fx, guides: guides.map((g) => ({ id: g.id, kL: g.kL, kK: g.kK, kA: g.kA, lfc: g.lfc, bottleneck: g.bottleneck })) },
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

function pickEvery<T>(xs: T[], n: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(xs[Math.floor(((i + 0.5) * xs.length) / n)]);
  return out;
}

function shuffle<T>(rng: Rng, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}
