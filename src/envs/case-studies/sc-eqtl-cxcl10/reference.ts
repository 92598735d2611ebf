// Reference analysis for case 5: ambient correction BEFORE the activation call, then a donor-level
// count model for the eQTL.
//  1. Soup profile per lane from its empty droplets.
//  2. Ambient UMIs per droplet per lane from HBB, which monocytes do not express (every droplet of
//     a lane captures about the same ambient RNA, so a small cell is proportionally dirtier):
//     ρ̂_i = Â_lane / total UMI of the droplet.
//  3. Ambient-corrected ISG and LST1 fractions per cell; two-component mixture on them, per lane.
//  4. Donor pseudobulk over activated cells; E[Y_d] = Σ ρ̂ n soup_CXCL10 + exp(μ + β g_d + u_d) Σ (1 − ρ̂) n
//     with a normal donor random intercept u_d (Poisson GLMM, Laplace): donors, not cells, are the
//     replicates, and the donor noise sits on the cell-intrinsic rate, not on the ambient term.
// Every step is an option, so each realistic mistake (naive.ts) and each defensible alternative
// (alternatives.ts) is this pipeline with one option changed.

import type { Answer } from '../types.js';
import { scData, type ScData } from './io.js';
import { ISG_MARKERS, RESTING_MARKER, type GeneName } from './simulator.js';
import {
  ambientFromEmpties,
  ambientPerDroplet,
  callActivation,
  cellRho,
  donorPseudobulk,
  fitDonorLogLinear,
  fitDonorNb,
  fitDonorPoissonLognormal,
  laneContamination,
  logFraction,
  markerFraction,
  rhoFromAmbient,
  soupProfiles,
} from './model.js';

type Files = ReadonlyMap<string, Uint8Array>;

export interface ScPipeline {
  /**
   * How each droplet's ambient share is modelled: the same ambient UMIs per droplet of a lane
   * (ρ_i = Â / total UMI), one contamination fraction per lane (SoupX's default), or none.
   */
  ambient: 'per_droplet' | 'lane_fraction' | 'none';
  /** where the ambient UMIs per droplet come from: HBB in cell droplets, or empty-droplet UMIs */
  ambientFrom: 'hbb' | 'empties';
  /** ambient removed from the activation markers before the call (false: called on raw markers) */
  correctMarkers: boolean;
  /** ambient CXCL10 modelled in the eQTL (false: raw CXCL10 counts) */
  correctTarget: boolean;
  /** activation-marker genes summed into the first calling feature */
  markers: readonly GeneName[];
  /** scale of the calling features */
  callScale: 'linear' | 'log';
  /** the eQTL model: donor pseudobulk NB, Poisson–lognormal donor random intercepts, or log-linear least squares */
  model: 'nb' | 'poisson_lognormal' | 'log_linear';
}

export const REFERENCE_PIPELINE: ScPipeline = {
  ambient: 'per_droplet',
  ambientFrom: 'hbb',
  correctMarkers: true,
  correctTarget: true,
  markers: ISG_MARKERS,
  callScale: 'log',
  model: 'poisson_lognormal',
};

export interface ScAnalysis {
  soup: Float64Array[];
  /** ρ per cell used for the target (0 when uncorrected) */
  rho: Float64Array;
  activated: Uint8Array;
}

function ambientRho(data: ScData, soup: Float64Array[], p: ScPipeline): Float64Array {
  const nLanes = data.donors.lanes.length;
  if (p.ambient === 'none') return cellRho(data.cells, null);
  if (p.ambient === 'lane_fraction') return cellRho(data.cells, laneContamination(data.cells, soup));
  return rhoFromAmbient(data.cells, p.ambientFrom === 'hbb' ? ambientPerDroplet(data.cells, soup) : ambientFromEmpties(data.empties, nLanes));
}

/** Steps 1–3: soup, contamination and the activation call. */
export function callCells(data: ScData, p: ScPipeline = REFERENCE_PIPELINE): ScAnalysis {
  const soup = soupProfiles(data.empties, data.donors.lanes.length);
  const rho = ambientRho(data, soup, p);
  const callRho = p.correctMarkers ? rho : cellRho(data.cells, null);
  // Features: the corrected ISG fraction and the corrected fraction of LST1 (a resting-monocyte gene
  // that activation halves and the soup barely carries). Corrected fractions of resting cells scatter
  // around zero (some below it), so on the linear scale the mixture runs on the fractions themselves.
  let isg = markerFraction(data.cells, soup, callRho, p.markers);
  let lst1 = markerFraction(data.cells, soup, callRho, [RESTING_MARKER]);
  if (p.callScale === 'log') {
    isg = logFraction(data.cells, isg);
    lst1 = logFraction(data.cells, lst1);
  }
  const activated = callActivation([isg, lst1], data.cells.lane, 0.99);
  return { soup, rho: p.correctTarget ? rho : cellRho(data.cells, null), activated };
}

/** Backwards-compatible name: the reference's calls. */
export const correctedCalls = (data: ScData) => callCells(data, REFERENCE_PIPELINE);

export function runScEqtl(files: Files, p: ScPipeline = REFERENCE_PIPELINE): Answer {
  const data = scData(files);
  const a = callCells(data, p);
  const pb = donorPseudobulk(data, a.activated, a.rho, a.soup);
  const dosage = data.donors.dosage;
  const fit = p.model === 'nb' ? fitDonorNb(pb, dosage) : p.model === 'poisson_lognormal' ? fitDonorPoissonLognormal(pb, dosage) : fitDonorLogLinear(pb, dosage);
  return { beta_activated: fit.beta };
}

export function referenceScEqtl(files: Files): Answer {
  return runScEqtl(files, REFERENCE_PIPELINE);
}
