// Simulator for case 2: a CRISPRi tiling screen over the divergent LINC473/KIN1 promoter, guide-level
// local expression, a CasRx transcript-targeting follow-up and an arrayed single-guide follow-up.
// Planted traps: KIN1 repression by LINC473-promoter guides (kL–kK collinearity), a local DNA-
// occupancy effect for every guide near the promoter, GC toxicity that hits the CpG-island guides,
// CasRx growth measured at day 20 (twice the day-10 scale), arrayed plate offsets and two swapped
// wells on plate 3 (visible only in seq_confirmed_guide), low-representation guides at day 0.

import type { CaseFile, Truth } from '../types.js';
import { advanceRule, gcHinge, kernel, LOCUS, type LincEffects } from './model.js';
import { caseRng, type Rng } from './rng.js';
import { tsvGz } from './io.js';

export const CASE_ID = 'crispr-linc473';

interface Guide {
  id: string;
  nominal: 'LINC473_promoter' | 'KIN1_TSS' | 'LINC473_body' | 'ANKRD42' | 'NTC' | 'safe_targeting';
  chr: string;
  coord: number | null;
  strand: '+' | '-' | '';
  gc: number;
  eff: number;
  pool: string;
  nOff: number;
  kL: number;
  kT2: number;
  kK: number;
  kA: number;
  inWindow: boolean;
  /** the guide's true day-10 log2 growth effect vs matched controls (biology + guide noise) */
  lfc: number;
}

export function drawEffects(rng: Rng): LincEffects {
  const u = rng.uniform();
  const scenario = u < 1 / 3 ? 'transcript' : u < 2 / 3 ? 'neighbour' : 'both';
  const unif = (a: number, b: number) => a + (b - a) * rng.uniform();
  // Ranges keep the truth outside the decision margins (|βL+0.08| ≥ 0.04, |βK+0.25| ≥ 0.08).
  const [betaL, betaK] =
    scenario === 'transcript'
      ? [unif(-0.2, -0.12), unif(-0.12, -0.02)]
      : scenario === 'neighbour'
        ? [unif(-0.04, 0), unif(-0.55, -0.35)]
        : [unif(-0.18, -0.12), unif(-0.47, -0.35)];
  return { scenario, betaL, betaK, betaD: unif(-0.15, -0.07), betaGC: -0.3 };
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
    const kA = onLocus ? kernel(eff, d(LOCUS.ankTss)) : 0;
    const inWindow = onLocus && Math.abs(d(LOCUS.lncTss)) <= LOCUS.dnaWindowBp;
    const lfc =
      fx.betaL * kL +
      fx.betaK * kK +
      (inWindow ? fx.betaD : 0) +
      fx.betaGC * gcHinge(gc) +
      rng.normal(0, 0.04);
    guides.push({
      id: `g${String(n).padStart(3, '0')}`,
      nominal,
      chr: coord === null ? '' : chr,
      coord,
      strand: coord === null ? '' : rng.uniform() < 0.5 ? '+' : '-',
      gc,
      eff,
      pool: rng.uniform() < 0.5 ? 'P1' : 'P2',
      nOff: coord === null ? 0 : rng.uniform() < 0.85 ? 0 : 1 + Math.floor(rng.uniform() * 3),
      kL,
      kT2,
      kK,
      kA,
      inWindow,
      lfc,
    });
  };
  const unif = (a: number, b: number) => a + (b - a) * rng.uniform();
  const round2 = (x: number) => Math.round(x * 100) / 100;
  // The promoter is a CpG island: GC-rich guides exactly where the signal is.
  // GC peaks in the core between the two TSSs and falls off towards the island's edges.
  const islandGc = (c: number) => round2(Math.min(0.9, 0.55 + 0.27 * Math.exp(-(((c - (LOCUS.lncTss + LOCUS.kinTss) / 2) / 450) ** 2)) + unif(-0.04, 0.04)));
  for (let i = 0; i < 40; i++) {
    const c = Math.round(LOCUS.lncTss - 420 + i * 35 + unif(-8, 8));
    add('LINC473_promoter', c, islandGc(c));
  }
  for (let i = 0; i < 15; i++) {
    const c = Math.round(LOCUS.kinTss - 210 + i * 30 + unif(-8, 8));
    add('KIN1_TSS', c, islandGc(c));
  }
  for (let i = 0; i < 10; i++) {
    const c = i < 4 ? LOCUS.lncT2Tss + unif(-250, 250) : LOCUS.lncTss + unif(1_600, 14_000);
    add('LINC473_body', Math.round(c), round2(unif(0.35, 0.6)));
  }
  for (let i = 0; i < 5; i++) add('ANKRD42', Math.round(LOCUS.ankTss + unif(-300, 300)), round2(unif(0.4, 0.7)));
  for (let i = 0; i < 110; i++) add('NTC', null, round2(unif(0.3, 0.85)));
  const chroms = ['chr2', 'chr4', 'chr9', 'chr12', 'chr17'];
  for (let i = 0; i < 40; i++) add('safe_targeting', Math.round(unif(1e6, 9e7)), round2(unif(0.3, 0.85)), chroms[i % 5]);
  return guides;
}


export interface LincSimulation {
  files: CaseFile[];
  truth: Truth;
  meta: Record<string, unknown>;
  /** latent per-guide values for tests and audits; never served */
  latent: { effects: LincEffects; guides: { id: string; kL: number; kK: number; lfc: number }[] };
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

  // Pooled screen counts: library skew at day 0 (NB, size 20), a per-replicate growth offset,
  // day-10 sampling noise. A few guides are under-represented at day 0.
  const cr = root.stream('screen');
  const rep = guides.map(() => Math.exp(cr.normal(0, 0.3)) * (cr.uniform() < 0.03 ? 0.04 : 1));
  const counts: (string | number)[][] = [];
  for (let r = 1; r <= 3; r++) {
    const offset = cr.normal(0.1, 0.05);
    const day0 = guides.map((_, i) => cr.negBinomial( 500 * rep[i], 20));
    const w = guides.map((g, i) => day0[i] * 2 ** (g.lfc + offset + cr.normal(0, 0.05)));
    const wSum = w.reduce((a, b) => a + b, 0);
    const depth10 = 500 * guides.length * (0.9 + 0.2 * cr.uniform());
    guides.forEach((g, i) => counts.push([g.id, r, day0[i], cr.negBinomial( (depth10 * w[i]) / wSum, 150)]));
  }
  files.push({ path: 'crispri_screen_counts.tsv.gz', data: tsvGz(['guide_id', 'replicate', 'day0_count', 'day10_count'], counts) });

  // Guide-level local expression (qPCR-like, relative to NTC) for targeting guides and 20 NTCs.
  const er = root.stream('expression');
  const exprRows: (string | number)[][] = [];
  const ntcIds = guides.filter((g) => g.nominal === 'NTC').slice(0, 20).map((g) => g.id);
  for (const g of guides) {
    const targeting = g.nominal !== 'NTC' && g.nominal !== 'safe_targeting';
    if (!targeting && !ntcIds.includes(g.id)) continue;
    for (let r = 1; r <= 3; r++) {
      const row = (gene: string, k: number) => exprRows.push([g.id, r, gene, round4((1 - k) * Math.exp(er.normal(0, 0.04)))]);
      row('LINC473_T1', g.kL);
      row('LINC473_T2', g.kT2);
      row('KIN1', g.kK);
      row('ANKRD42', g.kA);
    }
  }
  files.push({ path: 'guide_local_expression.tsv.gz', data: tsvGz(['guide_id', 'replicate', 'gene', 'rel_expr_vs_ntc'], exprRows) });

  // CasRx: transcript-targeting knockdown of T1 (effect scales with kd_T1), T2 guides without effect,
  // NTCs; growth read out at day 20, so the per-day effect accumulates twice as long.
  const xr = root.stream('casrx');
  const plateOff = [xr.normal(0, 0.1), xr.normal(0, 0.1)];
  const casrx: (string | number)[][] = [];
  let cx = 0;
  const addCasrx = (iso: 'T1' | 'T2' | 'NTC', n: number) => {
    for (let i = 0; i < n; i++) {
      cx += 1;
      const base = iso === 'T1' ? xr.beta(8, 3) : iso === 'T2' ? 0.04 * xr.uniform() : 0;
      const gc = round2(0.35 + 0.2 * xr.uniform());
      for (let r = 1; r <= 3; r++) {
        const plate = 1 + ((cx + r) % 2);
        const kd = clamp(base + xr.normal(0, 0.03), -0.05, 0.99);
        const kdKin = xr.normal(0, 0.03);
        const y = plateOff[plate - 1] + 2 * fx.betaL * Math.max(0, kd) + xr.normal(0, 0.05);
        casrx.push([`cx${String(cx).padStart(2, '0')}`, iso, plate, r, 20, round4(kd), round4(kdKin), round4(y), gc]);
      }
    }
  };
  addCasrx('T1', 10);
  addCasrx('T2', 5);
  addCasrx('NTC', 8);
  files.push({
    path: 'casrx_followup.tsv.gz',
    data: tsvGz(['casrx_guide_id', 'target_isoform', 'plate', 'replicate', 'assay_day', 'kd_T1', 'kd_KIN1', 'log2_growth', 'gc'], casrx),
  });

  // Arrayed single-guide follow-up: 24 guides × 3 wells + 8 NTC wells per plate, 4 plates with
  // plate offsets; two wells on plate 3 hold each other's guide.
  const ar = root.stream('arrayed');
  const promoter = guides.filter((g) => g.nominal === 'LINC473_promoter');
  const kin = guides.filter((g) => g.nominal === 'KIN1_TSS');
  const body = guides.filter((g) => g.nominal === 'LINC473_body');
  const picked = [...pickEvery(promoter, 12), ...pickEvery(kin, 8), ...pickEvery(body, 4)];
  const ntcs = guides.filter((g) => g.nominal === 'NTC').slice(20, 28);
  const arrayed: (string | number)[][] = [];
  const wellName = (i: number) => `${'ABCDEFGH'[Math.floor(i / 12)]}${String((i % 12) + 1).padStart(2, '0')}`;
  const swapA = Math.floor(ar.uniform() * 36);
  const swapB = 36 + Math.floor(ar.uniform() * 36); // a different guide, so the swap matters
  for (let p = 1; p <= 4; p++) {
    const off = ar.normal(0, 0.1);
    const layout: Guide[] = [];
    for (let r = 0; r < 3; r++) layout.push(...picked);
    layout.push(...ntcs);
    const actual = layout.slice();
    if (p === 3) [actual[swapA], actual[swapB]] = [actual[swapB], actual[swapA]];
    layout.forEach((g, i) => {
      const replicate = i < 72 ? 1 + Math.floor(i / 24) : 1;
      const y = off + actual[i].lfc + ar.normal(0, 0.05);
      arrayed.push([g.id, p, wellName(i), replicate, actual[i].id, round4(y)]);
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
  return {
    files,
    truth,
    meta: { n_guides: guides.length, n_casrx_rows: casrx.length, n_arrayed_wells: arrayed.length },
    latent: { effects: fx, guides: guides.map((g) => ({ id: g.id, kL: g.kL, kK: g.kK, lfc: g.lfc })) },
  };
}

function pickEvery<T>(xs: T[], n: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(xs[Math.floor(((i + 0.5) * xs.length) / n)]);
  return out;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
