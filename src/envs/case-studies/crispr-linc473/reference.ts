// Reference analysis for case 2, from the files only, as one pipeline whose choices are flags
// (REFERENCE_PIPELINE); each realistic mistake (naive.ts) and each defensible alternative
// (alternatives.ts) is this pipeline with one flag changed.
// 1. pooled screen: per-replicate LFC (pseudo-count 0.5; guide-replicates with day-0 count < 30
//    dropped), centred on the NTC median;
// 2. the day-10 libraries' GC bias: a smooth trend of LFC on guide GC fitted on NTC and
//    safe-targeting guides (a linear spline with knots every 0.05 GC) and subtracted from every guide;
// 3. CasRx: plate-centred on the plate's NTC wells, day-20 growth halved to the day-10 scale, joint
//    regression through the origin on kd_T1 and kd_KIN1 → βL (transcript-specific: CasRx acts on
//    RNA, so no DNA-locus effect is possible);
// 4. arrayed follow-up: each plate centred on its own NTC wells, wells assigned to the guide found
//    by sequencing, pooled with the screen LFC by inverse variance;
// 5. local locus model: WLS of (LFC − βL·kL) on [1{|d_lnc| ≤ 1 kb}, kK, kANKRD42] with the
//    replicate-mean measured knockdowns of every guide → βK.

import type { Answer } from '../types.js';
import { readTsv } from './io.js';
import { advanceRule, LOCUS } from './model.js';
import { requireFile } from '../framework/files.js';
import { mean, median, variance, wls } from './stats.js';

export interface GuideInfo {
  id: string;
  nominal: string;
  dLnc: number | null;
  gc: number;
}

export interface LincData {
  guides: GuideInfo[];
  /** per guide and replicate: raw counts */
  counts: { id: string; rep: number; d0: number; d10: number }[];
  /** per guide: replicate-mean knockdown (1 − rel expression) of T1, KIN1 and ANKRD42 */
  kL: Map<string, number>;
  kK: Map<string, number>;
  kA: Map<string, number>;
  casrx: { guide: string; iso: string; plate: number; kdT1: number; kdKin: number; y: number }[];
  arrayed: { plate: number; guide: string; seqGuide: string; y: number }[];
}

export function loadLinc(files: ReadonlyMap<string, Uint8Array>): LincData {
  const need = (p: string) => readTsv(requireFile(files, p));
  const g = need('guides.tsv.gz');
  const guides = g.rows.map((r) => ({
    id: r[g.col('guide_id')],
    nominal: r[g.col('nominal_target')],
    dLnc: r[g.col('dist_lnc_tss_bp')] === '' ? null : Number(r[g.col('dist_lnc_tss_bp')]),
    gc: Number(r[g.col('guide_gc_frac')]),
  }));
  const c = need('crispri_screen_counts.tsv.gz');
  const counts = c.rows.map((r) => ({ id: r[c.col('guide_id')], rep: Number(r[c.col('replicate')]), d0: Number(r[c.col('day0_count')]), d10: Number(r[c.col('day10_count')]) }));

  const e = need('guide_local_expression.tsv.gz');
  const acc = new Map<string, number[]>();
  for (const r of e.rows) {
    const key = `${r[e.col('guide_id')]}|${r[e.col('gene')]}`;
    if (!acc.has(key)) acc.set(key, []);
    acc.get(key)!.push(1 - Number(r[e.col('rel_expr_vs_ntc')]));
  }
  const kL = new Map<string, number>();
  const kK = new Map<string, number>();
  const kA = new Map<string, number>();
  for (const [key, v] of acc) {
    const [id, gene] = key.split('|');
    if (gene === 'LINC473_T1') kL.set(id, mean(v));
    if (gene === 'KIN1') kK.set(id, mean(v));
    if (gene === 'ANKRD42') kA.set(id, mean(v));
  }

  const x = need('casrx_followup.tsv.gz');
  const casrx = x.rows.map((r) => ({
    guide: r[x.col('casrx_guide_id')],
    iso: r[x.col('target_isoform')],
    plate: Number(r[x.col('plate')]),
    kdT1: Number(r[x.col('kd_T1')]),
    kdKin: Number(r[x.col('kd_KIN1')]),
    y: Number(r[x.col('log2_growth')]),
  }));
  const a = need('single_guide_growth.tsv.gz');
  const arrayed = a.rows.map((r) => ({
    plate: Number(r[a.col('plate')]),
    guide: r[a.col('guide_id')],
    seqGuide: r[a.col('seq_confirmed_guide')],
    y: Number(r[a.col('log2_growth_day10')]),
  }));
  return { guides, counts, kL, kK, kA, casrx, arrayed };
}

/** The analysis choices; the reference is REFERENCE_PIPELINE. */
export interface LincPipeline {
  /** drop guide-replicates with fewer than 30 day-0 reads (bottlenecked guides drift) */
  day0Filter: boolean;
  /** GC-bias correction of the screen LFCs, fitted on NTC and safe-targeting guides */
  gc: 'spline' | 'matched_controls' | 'linear' | 'none';
  /** halve the day-20 CasRx growth to the day-10 scale */
  casrxDayScale: boolean;
  /** CasRx KIN1 cross-knockdown: joint regression, drop guides with kd_KIN1 > 0.1, or ignore it */
  casrxKin1: 'joint' | 'drop' | 'ignore';
  /** where βL comes from: CasRx, or the screen's slope on kL (absorbs the locus effects) */
  betaLFrom: 'casrx' | 'screen_slope';
  /** arrayed wells: by sequenced guide, drop wells whose sequenced guide differs, intended guide, or no arrayed data */
  arrayed: 'seq_guide' | 'drop_mismatch' | 'intended_guide' | 'none';
  /** arrayed growth made relative to controls: each plate on its own NTC wells, on the NTC wells of all plates, or not at all */
  plateCentre: 'per_plate' | 'global' | 'none';
  /** local DNA-occupancy term in the locus model */
  dnaTerm: boolean;
  /** ANKRD42 knockdown term in the locus model */
  ankrd42Term: boolean;
  /** measured knockdowns of every gene for every guide (false: each guide represses only its nominal target) */
  spreading: boolean;
  /** locus-model weights: inverse variance (+ guide scatter) or unweighted */
  weights: 'ivw' | 'ols';
}

export const REFERENCE_PIPELINE: LincPipeline = {
  day0Filter: true,
  gc: 'spline',
  casrxDayScale: true,
  casrxKin1: 'joint',
  betaLFrom: 'casrx',
  arrayed: 'seq_guide',
  plateCentre: 'per_plate',
  dnaTerm: true,
  ankrd42Term: true,
  spreading: true,
  weights: 'ivw',
};

const MIN_DAY0 = 30;
const PSEUDO = 0.5;
/** guide-level biological scatter (log2) added to the measurement variance in the locus model */
const GUIDE_SCATTER = 0.025;

/** Per guide: NTC-centred screen LFC per replicate. */
export function screenLfcs(d: LincData, p: Pick<LincPipeline, 'day0Filter'>): Map<string, number[]> {
  const ntc = new Set(d.guides.filter((x) => x.nominal === 'NTC').map((x) => x.id));
  const byRep = new Map<number, LincData['counts']>();
  for (const r of d.counts) {
    if (!byRep.has(r.rep)) byRep.set(r.rep, []);
    byRep.get(r.rep)!.push(r);
  }
  const screen = new Map<string, number[]>();
  for (const rows of byRep.values()) {
    const s0 = rows.reduce((a, x) => a + x.d0, 0);
    const s10 = rows.reduce((a, x) => a + x.d10, 0);
    const kept = p.day0Filter ? rows.filter((x) => x.d0 >= MIN_DAY0) : rows;
    const lfc = kept.map((x) => Math.log2((x.d10 + PSEUDO) / s10) - Math.log2((x.d0 + PSEUDO) / s0));
    const centre = median(kept.flatMap((x, i) => (ntc.has(x.id) ? [lfc[i]] : [])));
    kept.forEach((x, i) => {
      if (!screen.has(x.id)) screen.set(x.id, []);
      screen.get(x.id)!.push(lfc[i] - centre);
    });
  }
  return screen;
}

const GC_KNOTS = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8];

/** Linear spline basis in GC with knots every 0.05 from 0.5 to 0.8. */
function splineBasis(gc: number): number[] {
  return [1, gc, ...GC_KNOTS.map((k) => Math.max(0, gc - k))];
}

/** The GC trend of the control guides' LFC, as a function of GC (the bias to subtract). */
export function gcTrend(d: LincData, screen: Map<string, number[]>, how: LincPipeline['gc']): (gc: number) => number {
  if (how === 'none') return () => 0;
  const ctrl = d.guides.filter((g) => (g.nominal === 'NTC' || g.nominal === 'safe_targeting') && screen.has(g.id)).map((g) => ({ gc: g.gc, y: mean(screen.get(g.id)!) }));
  if (how === 'matched_controls') {
    // Matched controls: the median LFC of the 15 controls closest in GC.
    const K = 15;
    return (gc) => median(ctrl.map((c) => ({ d: Math.abs(c.gc - gc), y: c.y })).sort((a, b) => a.d - b.d).slice(0, K).map((c) => c.y));
  }
  const basis = how === 'linear' ? (gc: number) => [1, gc] : splineBasis;
  const fit = wls(ctrl.map((c) => basis(c.gc)), ctrl.map((c) => c.y));
  return (gc) => basis(gc).reduce((s, x, i) => s + x * fit.beta[i], 0);
}

/** βL from CasRx: plate-centred on NTC, day scale, regression through the origin. */
export function casrxBetaL(d: LincData, p: Pick<LincPipeline, 'casrxDayScale' | 'casrxKin1'>): number {
  const centre = new Map<number, number>();
  for (const plate of new Set(d.casrx.map((r) => r.plate))) centre.set(plate, mean(d.casrx.filter((r) => r.plate === plate && r.iso === 'NTC').map((r) => r.y)));
  const scale = p.casrxDayScale ? 0.5 : 1;
  let rows = d.casrx.filter((r) => r.iso !== 'NTC');
  if (p.casrxKin1 === 'drop') {
    const kin = new Map<string, number[]>();
    for (const r of rows) kin.set(r.guide, [...(kin.get(r.guide) ?? []), r.kdKin]);
    rows = rows.filter((r) => mean(kin.get(r.guide)!) <= 0.1);
  }
  const y = rows.map((r) => (r.y - centre.get(r.plate)!) * scale);
  const x = rows.map((r) => (p.casrxKin1 === 'joint' ? [r.kdT1, r.kdKin] : [r.kdT1]));
  return wls(x, y).beta[0];
}

export interface GuideLfc {
  lfc: number;
  variance: number;
}

/** Per-guide day-10 LFC: GC-corrected screen estimates pooled with the arrayed follow-up. */
export function guideLfcs(d: LincData, p: LincPipeline): Map<string, GuideLfc> {
  const screen = screenLfcs(d, p);
  const trend = gcTrend(d, screen, p.gc);
  const out = new Map<string, GuideLfc>();
  // Replicate noise from the pooled spread across guides (3 replicates each is too few alone).
  const repVar = mean([...screen.values()].filter((v) => v.length > 1).map((v) => variance(v)));
  for (const g of d.guides) {
    const v = screen.get(g.id);
    if (v) out.set(g.id, { lfc: mean(v) - trend(g.gc), variance: repVar / v.length });
  }
  if (p.arrayed === 'none') return out;

  const ntcIds = new Set(d.guides.filter((g) => g.nominal === 'NTC').map((g) => g.id));
  const wellsUsed = d.arrayed
    .filter((r) => p.arrayed !== 'drop_mismatch' || r.seqGuide === r.guide)
    .map((r) => ({ ...r, id: p.arrayed === 'intended_guide' ? r.guide : r.seqGuide }));
  const ntcMean = (rows: typeof wellsUsed) => mean(rows.filter((r) => ntcIds.has(r.id)).map((r) => r.y));
  const globalCentre = ntcMean(wellsUsed);
  const wells = new Map<string, number[]>();
  let nNtc = Infinity;
  for (const plate of new Set(wellsUsed.map((r) => r.plate))) {
    const onPlate = wellsUsed.filter((r) => r.plate === plate);
    const c = p.plateCentre === 'per_plate' ? ntcMean(onPlate) : p.plateCentre === 'global' ? globalCentre : 0;
    nNtc = Math.min(nNtc, onPlate.filter((r) => ntcIds.has(r.id)).length);
    for (const r of onPlate) {
      if (ntcIds.has(r.id)) continue;
      if (!wells.has(r.id)) wells.set(r.id, []);
      wells.get(r.id)!.push(r.y - c);
    }
  }
  const wellVar = mean([...wells.values()].filter((v) => v.length > 1).map((v) => variance(v)));
  for (const [id, v] of wells) {
    // well noise plus the uncertainty of the plate's NTC centre
    const arr = { lfc: mean(v), variance: wellVar / v.length + wellVar / nNtc };
    const s = out.get(id);
    if (!s) {
      out.set(id, arr);
      continue;
    }
    const w1 = 1 / s.variance;
    const w2 = 1 / arr.variance;
    out.set(id, { lfc: (w1 * s.lfc + w2 * arr.lfc) / (w1 + w2), variance: 1 / (w1 + w2) });
  }
  return out;
}

/** Knockdown of `gene` by guide g: measured, or (no spreading) only on the guide's nominal target. */
function knockdown(d: LincData, g: GuideInfo, gene: 'L' | 'K' | 'A', spreading: boolean): number {
  const k = (gene === 'L' ? d.kL : gene === 'K' ? d.kK : d.kA).get(g.id) ?? 0;
  if (spreading) return k;
  const own = gene === 'L' ? g.nominal.startsWith('LINC473') : gene === 'K' ? g.nominal === 'KIN1_TSS' : g.nominal === 'ANKRD42';
  return own ? k : 0;
}

/** Local locus model: WLS of (LFC − βL·kL) on [window, kK, kA] (terms per the pipeline) → βK. */
export function locusModel(d: LincData, lfc: Map<string, GuideLfc>, betaL: number, p: LincPipeline): number {
  const xs: number[][] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  for (const g of d.guides) {
    if (g.dLnc === null || !d.kK.has(g.id)) continue;
    const e = lfc.get(g.id);
    if (!e) continue;
    const row = [knockdown(d, g, 'K', p.spreading)];
    if (p.ankrd42Term) row.push(knockdown(d, g, 'A', p.spreading));
    if (p.dnaTerm) row.push(Math.abs(g.dLnc) <= LOCUS.dnaWindowBp ? 1 : 0);
    xs.push(row);
    ys.push(e.lfc - betaL * knockdown(d, g, 'L', p.spreading));
    ws.push(p.weights === 'ivw' ? 1 / (e.variance + GUIDE_SCATTER ** 2) : 1);
  }
  return wls(xs, ys, ws).beta[0];
}

/** The screen's own slope on kL (what a CRISPRi-only analysis reads as the transcript effect). */
export function screenSlopeBetaL(d: LincData, lfc: Map<string, GuideLfc>): number {
  const ids = d.guides.filter((g) => g.dLnc !== null && d.kL.has(g.id) && lfc.has(g.id)).map((g) => g.id);
  return wls(ids.map((id) => [d.kL.get(id)!]), ids.map((id) => lfc.get(id)!.lfc), ids.map((id) => 1 / (lfc.get(id)!.variance + GUIDE_SCATTER ** 2))).beta[0];
}

export function runLinc(files: ReadonlyMap<string, Uint8Array>, p: LincPipeline): { betaL: number; betaK: number } {
  const d = loadLinc(files);
  const lfc = guideLfcs(d, p);
  const betaL = p.betaLFrom === 'casrx' ? casrxBetaL(d, p) : screenSlopeBetaL(d, lfc);
  return { betaL, betaK: locusModel(d, lfc, betaL, p) };
}

export function lincAnswer({ betaL, betaK }: { betaL: number; betaK: number }): Answer {
  return { advance_target: advanceRule(betaL, betaK), lncrna_specific_lfc: betaL, neighbor_mediated_lfc: betaK };
}

export function referenceLinc(files: ReadonlyMap<string, Uint8Array>): Answer {
  return lincAnswer(runLinc(files, REFERENCE_PIPELINE));
}
