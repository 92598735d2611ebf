// Reference analysis for case 10: both loci on the derived-allele scale, per-sample directional
// miscall rates from seq_error (damage direction 2·seq_error − 0.01, the other 0.01), the
// generation column as the time axis, the demography's Ne per generation, and maximum-likelihood s
// from a 401-state Wright–Fisher HMM; the locus with the larger s is reported.

import type { Analysis } from '../types.js';
import { analysis, REFERENCE_OPTIONS } from './analysis.js';

export const referenceAdna: Analysis = analysis(REFERENCE_OPTIONS);
