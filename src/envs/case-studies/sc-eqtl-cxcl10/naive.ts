// Naive analyses for case 5, each falling into one planted trap.

import type { Answer, CaseStudy } from '../types.js';
import { scData } from './io.js';
import { callActivation, cellRho, donorPseudobulk, fitDonorNb, laneContamination, logFraction, markerFraction, soupProfiles } from './model.js';
import { correctedCalls } from './reference.js';
import { G, gi, RESTING_MARKER, TARGET } from './simulator.js';

type Files = ReadonlyMap<string, Uint8Array>;

/** Activation called on log raw marker fractions with one mixture for all cells (what clustering raw data does). */
function rawCalls(files: Files): Uint8Array {
  const data = scData(files);
  const soup = soupProfiles(data.empties, data.donors.lanes.length);
  const none = cellRho(data.cells, null);
  const isg = logFraction(data.cells, markerFraction(data.cells, soup, none));
  const lst1 = logFraction(data.cells, markerFraction(data.cells, soup, none, [RESTING_MARKER]));
  return callActivation([isg, lst1], null);
}

/** Trap: no ambient correction at all — raw calls and raw CXCL10 counts. */
function noCorrection(files: Files): Answer {
  const data = scData(files);
  const soup = soupProfiles(data.empties, data.donors.lanes.length);
  const fit = fitDonorNb(donorPseudobulk(data, rawCalls(files), cellRho(data.cells, null), soup), data.donors.dosage);
  return { beta_activated: fit.beta };
}

/** Trap: ambient correction applied to CXCL10 only after activation was called on raw markers. */
function correctionAfterCalling(files: Files): Answer {
  const data = scData(files);
  const soup = soupProfiles(data.empties, data.donors.lanes.length);
  const rho = cellRho(data.cells, laneContamination(data.cells, soup));
  const fit = fitDonorNb(donorPseudobulk(data, rawCalls(files), rho, soup), data.donors.dosage);
  return { beta_activated: fit.beta };
}

/**
 * Trap: cells as replicates — correct calls and ambient-subtracted counts, but the usual per-cell
 * pipeline (each cell scaled to the median own library, log1p) and an ordinary regression of that
 * value on dosage over all activated cells, as if each cell were an independent donor.
 */
function cellsAsReplicates(files: Files): Answer {
  const data = scData(files);
  const a = correctedCalls(data);
  const c = data.cells;
  const j = gi(TARGET);
  const own = new Float64Array(c.n);
  for (let i = 0; i < c.n; i++) own[i] = (1 - a.rho[i]) * c.totalUmi[i];
  const target = Float64Array.from(own).sort()[c.n >> 1];
  let n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let i = 0; i < c.n; i++) {
    if (!a.activated[i]) continue;
    const corrected = Math.max(0, c.counts[i * G + j] - a.rho[i] * c.totalUmi[i] * a.soup[c.lane[i]][j]);
    const yv = Math.log1p((target * corrected) / own[i]);
    const xv = data.donors.dosage[c.donor[i]];
    n++;
    sx += xv;
    sy += yv;
    sxx += xv * xv;
    sxy += xv * yv;
  }
  const beta = (sxy - (sx * sy) / n) / (sxx - (sx * sx) / n);
  return { beta_activated: beta };
}

export const naiveScEqtl: CaseStudy['naive'] = [
  { name: 'no_ambient_correction', trap: 'no ambient correction: activation called on raw ISG fractions and raw CXCL10 counts modelled', analyse: noCorrection },
  { name: 'correction_after_calling', trap: 'ambient correction applied to CXCL10 only after activation was called on raw (contaminated) markers', analyse: correctionAfterCalling },
  { name: 'cells_as_replicates', trap: 'cells treated as independent replicates: per-cell normalised log1p expression regressed on dosage across cells instead of a donor-level count model', analyse: cellsAsReplicates },
];
