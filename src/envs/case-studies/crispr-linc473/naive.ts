// Naive analyses for case 2, each falling into one named trap of the design.

import type { Answer, CaseStudy } from '../types.js';
import { advanceRule } from './model.js';
import { casrxSlope, guideLfcs, loadLinc, locusModel } from './reference.js';
import { mean, wls } from './stats.js';

type Files = ReadonlyMap<string, Uint8Array>;

const answer = (l: number, k: number): Answer => ({ advance_target: advanceRule(l, k), lncrna_specific_lfc: l, neighbor_mediated_lfc: k });

/** Trap: nominal-target averages — mean screen LFC of each gene's guides, as if every guide were a full knockdown. */
function nominalAverages(files: Files): Answer {
  const d = loadLinc(files);
  const lfc = guideLfcs(d, { gc: false, arrayed: false, fixSwaps: false, plateCentre: false });
  const of = (nominal: string) => mean(d.guides.filter((g) => g.nominal === nominal && lfc.has(g.id)).map((g) => lfc.get(g.id)!.lfc));
  return answer(of('LINC473_promoter'), of('KIN1_TSS'));
}

/** Trap: kL–kK collinearity and the DNA-occupancy effect — each gene's slope fitted alone on the screen. */
function marginalSlopes(files: Files): Answer {
  const d = loadLinc(files);
  const lfc = guideLfcs(d, { gc: true, arrayed: false, fixSwaps: false, plateCentre: false });
  const slope = (k: Map<string, number>) => {
    const ids = [...k.keys()].filter((id) => lfc.has(id));
    return wls(ids.map((id) => [k.get(id)!]), ids.map((id) => lfc.get(id)!.lfc)).beta[0];
  };
  return answer(slope(d.kL), slope(d.kK));
}

/** Trap: CasRx read on the day-20 scale (twice the day-10 effect) and no GC correction in the locus model. */
function rawCasrxNoGc(files: Files): Answer {
  const d = loadLinc(files);
  const betaL = casrxSlope(d, { plateCentre: false, dayScale: 1 });
  const lfc = guideLfcs(d, { gc: false, arrayed: true, fixSwaps: true, plateCentre: true });
  return answer(betaL, locusModel(d, lfc, betaL, { dnaTerm: true }));
}

/** Trap: locus model without the local DNA-occupancy term (the DNA effect is booked to KIN1). */
function noDnaTerm(files: Files): Answer {
  const d = loadLinc(files);
  const betaL = casrxSlope(d, { plateCentre: true, dayScale: 0.5 });
  const lfc = guideLfcs(d, { gc: true, arrayed: true, fixSwaps: true, plateCentre: true });
  return answer(betaL, locusModel(d, lfc, betaL, { dnaTerm: false }));
}

export const naiveLinc: CaseStudy['naive'] = [
  { name: 'nominal_target_averages', trap: 'mean LFC per nominal target ignores partial knockdown, KIN1 co-repression, the DNA term and GC toxicity', analyse: nominalAverages },
  { name: 'marginal_knockdown_slopes', trap: 'one-gene slopes on collinear kL and kK absorb the other gene and the DNA-occupancy effect', analyse: marginalSlopes },
  { name: 'raw_casrx_no_gc', trap: 'CasRx day-20 growth not halved to day 10; GC toxicity of the CpG-island guides left in', analyse: rawCasrxNoGc },
  { name: 'locus_model_without_dna_term', trap: 'the local DNA-occupancy effect of promoter guides is attributed to KIN1 repression', analyse: noDnaTerm },
];
