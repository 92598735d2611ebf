// Naive analyses for case 3, each falling into one named trap of the design. (Univariable IVW was
// tried too, but it missed the tolerance on only 67% of 30 seeds, so it is not a valid naive check.)

import type { Answer, CaseStudy } from '../types.js';
import { loadMvmr, mvmr, unitSd, type MvmrData } from './reference.js';

type Files = ReadonlyMap<string, Uint8Array>;

const answer = (a: number, b: number): Answer => ({ theta_PROTA: a, theta_PROTB: b });

/** Trap: allele orientation — effect alleles taken as reported, never aligned to the LD panel. */
function unharmonised(files: Files): Answer {
  const d = loadMvmr(files, { harmonise: false, palindromeMaf: 0.5 });
  const r = mvmr(d, { replicationBetas: true, convertUnits: true, pleiotropyScan: true });
  return answer(r.thetaA, r.thetaB);
}

/** Trap: assay scale — per-unit effects (ln pg/mL, NPX) reported as if they were per SD of log10. */
function perUnit(files: Files): Answer {
  const r = mvmr(loadMvmr(files), { replicationBetas: true, convertUnits: false, pleiotropyScan: true });
  return answer(r.thetaA, r.thetaB);
}

/** Trap: assay scale — SD taken on the raw measurement scale (pg/mL, not its logarithm). */
function rawScaleSd(files: Files): Answer {
  const d: MvmrData = loadMvmr(files);
  const r = mvmr(d, { replicationBetas: true, convertUnits: false, pleiotropyScan: true });
  const sdA = unitSd(files, 'PROTA', d.repA.unit, { robust: false, transform: false });
  const sdB = unitSd(files, 'PROTB', d.repB.unit, { robust: false, transform: false });
  return answer(r.thetaA * sdA, r.thetaB * sdB);
}

export const naiveMvmr: CaseStudy['naive'] = [
  { name: 'unharmonised_alleles', trap: 'effect alleles not aligned to the LD panel (minor-allele coding, 30% swapped outcome alleles, strand flips)', analyse: unharmonised },
  { name: 'per_unit_effects', trap: 'assay scale: per ln(pg/mL) and per NPX effects reported as per SD of log10 concentration', analyse: perUnit },
  { name: 'raw_scale_sd', trap: 'assay scale: SD computed on linear pg/mL and without handling below-LOD values', analyse: rawScaleSd },
];
