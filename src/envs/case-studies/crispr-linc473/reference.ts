// Reference analysis for case 2, from the files only:
// 1. pooled-screen per-replicate LFC (pseudo-count 0.5, day-0 count ≥ 30), centred on the NTC median;
// 2. GC-toxicity hinge fitted on NTC + safe-targeting guides and removed from every guide;
// 3. CasRx: plate-centred on the plate's NTC wells, day-20 growth halved to the day-10 scale, slope on
//    kd_T1 through the origin → βL (transcript-specific, no DNA-locus effect possible);
// 4. arrayed follow-up: plate-centred, swapped wells re-assigned by seq_confirmed_guide, GC-corrected,
//    pooled with the screen LFC by inverse variance;
// 5. local locus model: WLS of (LFC − βL·kL) on [1{|d_lnc| ≤ 1 kb}, kK] with replicate-mean measured
//    knockdowns → βK.

import type { Answer } from '../types.js';
import { readTsv } from './io.js';
import { advanceRule, gcHinge, LOCUS } from './model.js';
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
  /** per guide: NTC-centred screen LFC per replicate (guides failing the day-0 filter are absent) */
  screen: Map<string, number[]>;
  /** per guide: replicate-mean knockdown (1 − rel expression) of T1 and KIN1 */
  kL: Map<string, number>;
  kK: Map<string, number>;
  casrx: { iso: string; plate: number; kdT1: number; y: number }[];
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
  const byRep = new Map<number, { id: string; d0: number; d10: number }[]>();
  for (const r of c.rows) {
    const rep = Number(r[c.col('replicate')]);
    if (!byRep.has(rep)) byRep.set(rep, []);
    byRep.get(rep)!.push({ id: r[c.col('guide_id')], d0: Number(r[c.col('day0_count')]), d10: Number(r[c.col('day10_count')]) });
  }
  const ntc = new Set(guides.filter((x) => x.nominal === 'NTC').map((x) => x.id));
  const screen = new Map<string, number[]>();
  for (const rows of byRep.values()) {
    const s0 = rows.reduce((a, x) => a + x.d0, 0);
    const s10 = rows.reduce((a, x) => a + x.d10, 0);
    const kept = rows.filter((x) => x.d0 >= 30);
    const lfc = kept.map((x) => Math.log2((x.d10 + 0.5) / s10) - Math.log2((x.d0 + 0.5) / s0));
    const centre = median(kept.flatMap((x, i) => (ntc.has(x.id) ? [lfc[i]] : [])));
    kept.forEach((x, i) => {
      if (!screen.has(x.id)) screen.set(x.id, []);
      screen.get(x.id)!.push(lfc[i] - centre);
    });
  }

  const e = need('guide_local_expression.tsv.gz');
  const acc = new Map<string, number[]>();
  for (const r of e.rows) {
    const key = `${r[e.col('guide_id')]}|${r[e.col('gene')]}`;
    if (!acc.has(key)) acc.set(key, []);
    acc.get(key)!.push(1 - Number(r[e.col('rel_expr_vs_ntc')]));
  }
  const kL = new Map<string, number>();
  const kK = new Map<string, number>();
  for (const [key, v] of acc) {
    const [id, gene] = key.split('|');
    if (gene === 'LINC473_T1') kL.set(id, mean(v));
    if (gene === 'KIN1') kK.set(id, mean(v));
  }

  const x = need('casrx_followup.tsv.gz');
  const casrx = x.rows.map((r) => ({
    iso: r[x.col('target_isoform')],
    plate: Number(r[x.col('plate')]),
    kdT1: Number(r[x.col('kd_T1')]),
    y: Number(r[x.col('log2_growth')]),
  }));
  const a = need('single_guide_growth.tsv.gz');
  const arrayed = a.rows.map((r) => ({
    plate: Number(r[a.col('plate')]),
    guide: r[a.col('guide_id')],
    seqGuide: r[a.col('seq_confirmed_guide')],
    y: Number(r[a.col('log2_growth_day10')]),
  }));
  return { guides, screen, kL, kK, casrx, arrayed };
}

/** Intercept and slope of the GC hinge fitted on NTC and safe-targeting guides. */
export function fitGcHinge(d: LincData): { intercept: number; slope: number } {
  const ys: number[] = [];
  const xs: number[][] = [];
  for (const g of d.guides) {
    if (g.nominal !== 'NTC' && g.nominal !== 'safe_targeting') continue;
    const v = d.screen.get(g.id);
    if (!v) continue;
    ys.push(mean(v));
    xs.push([1, gcHinge(g.gc)]);
  }
  const fit = wls(xs, ys);
  return { intercept: fit.beta[0], slope: fit.beta[1] };
}

/** βL from CasRx: plate-centred on NTC, scaled from day 20 to day 10, slope through the origin. */
export function casrxSlope(d: LincData, opts: { plateCentre: boolean; dayScale: number }): number {
  const plates = new Set(d.casrx.map((r) => r.plate));
  const centre = new Map<number, number>();
  for (const p of plates) centre.set(p, opts.plateCentre ? mean(d.casrx.filter((r) => r.plate === p && r.iso === 'NTC').map((r) => r.y)) : 0);
  let sxy = 0;
  let sxx = 0;
  for (const r of d.casrx) {
    const y = (r.y - centre.get(r.plate)!) * opts.dayScale;
    sxy += r.kdT1 * y;
    sxx += r.kdT1 * r.kdT1;
  }
  return sxy / sxx;
}

export interface GuideLfc {
  id: string;
  lfc: number;
  variance: number;
}

/** Per-guide day-10 LFC: screen (and optionally arrayed) estimates, GC-corrected if asked. */
export function guideLfcs(d: LincData, opts: { gc: boolean; arrayed: boolean; fixSwaps: boolean; plateCentre: boolean }): Map<string, GuideLfc> {
  const hinge = opts.gc ? fitGcHinge(d) : { intercept: 0, slope: 0 };
  const gcOf = new Map(d.guides.map((g) => [g.id, g.gc]));
  const corr = (id: string) => hinge.intercept + hinge.slope * gcHinge(gcOf.get(id) ?? 0);
  const out = new Map<string, GuideLfc>();
  // Replicate noise from the pooled spread across all guides (3 replicates each is too few alone).
  const spreads = [...d.screen.values()].filter((v) => v.length > 1).map((v) => variance(v));
  const repVar = mean(spreads);
  for (const [id, v] of d.screen) out.set(id, { id, lfc: mean(v) - corr(id), variance: repVar / v.length });
  if (!opts.arrayed) return out;

  const plates = [...new Set(d.arrayed.map((r) => r.plate))];
  const wells = new Map<string, number[]>();
  const ntcIds = new Set(d.guides.filter((g) => g.nominal === 'NTC').map((g) => g.id));
  for (const p of plates) {
    const onPlate = d.arrayed.filter((r) => r.plate === p);
    const ntcWells = onPlate.filter((r) => ntcIds.has(opts.fixSwaps ? r.seqGuide : r.guide));
    // Centre on the plate's NTC wells after removing their own GC toxicity.
    const c = opts.plateCentre ? mean(ntcWells.map((r) => r.y - (corr(opts.fixSwaps ? r.seqGuide : r.guide) - hinge.intercept))) : 0;
    for (const r of onPlate) {
      const id = opts.fixSwaps ? r.seqGuide : r.guide;
      if (ntcIds.has(id)) continue;
      if (!wells.has(id)) wells.set(id, []);
      wells.get(id)!.push(r.y - c - (corr(id) - hinge.intercept));
    }
  }
  const wellVar = mean([...wells.values()].filter((v) => v.length > 1).map((v) => variance(v)));
  for (const [id, v] of wells) {
    const arr = { lfc: mean(v), variance: wellVar / v.length };
    const s = out.get(id);
    if (!s) {
      out.set(id, { id, ...arr });
      continue;
    }
    const w1 = 1 / s.variance;
    const w2 = 1 / arr.variance;
    out.set(id, { id, lfc: (w1 * s.lfc + w2 * arr.lfc) / (w1 + w2), variance: 1 / (w1 + w2) });
  }
  return out;
}

/** Local locus model: WLS of (LFC − βL·kL) on [window, kK] (optionally without the DNA term). */
export function locusModel(d: LincData, lfc: Map<string, GuideLfc>, betaL: number, opts: { dnaTerm: boolean }): number {
  const xs: number[][] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  for (const g of d.guides) {
    if (g.dLnc === null || !d.kL.has(g.id) || !d.kK.has(g.id)) continue;
    const e = lfc.get(g.id);
    if (!e) continue;
    const win = Math.abs(g.dLnc) <= LOCUS.dnaWindowBp ? 1 : 0;
    xs.push(opts.dnaTerm ? [win, d.kK.get(g.id)!] : [d.kK.get(g.id)!]);
    ys.push(e.lfc - betaL * d.kL.get(g.id)!);
    // Guide-level biological scatter (~0.04) dominates the measurement variance of pooled guides.
    ws.push(1 / (e.variance + 0.04 ** 2));
  }
  const fit = wls(xs, ys, ws);
  return fit.beta[fit.beta.length - 1];
}

export function referenceLinc(files: ReadonlyMap<string, Uint8Array>): Answer {
  const d = loadLinc(files);
  const betaL = casrxSlope(d, { plateCentre: true, dayScale: 0.5 });
  const lfc = guideLfcs(d, { gc: true, arrayed: true, fixSwaps: true, plateCentre: true });
  const betaK = locusModel(d, lfc, betaL, { dnaTerm: true });
  return { advance_target: advanceRule(betaL, betaK), lncrna_specific_lfc: betaL, neighbor_mediated_lfc: betaK };
}
