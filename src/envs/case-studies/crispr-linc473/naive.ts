// The trap matrix for case 2: each realistic mistake is the reference pipeline with exactly one
// choice flipped (see REFERENCE_PIPELINE in reference.ts).

import type { Mistake } from '../types.js';
import { lincAnswer, REFERENCE_PIPELINE, runLinc, type LincPipeline } from './reference.js';

const flip = (name: string, trap: string, change: Partial<LincPipeline>): Mistake => ({
  name,
  trap,
  analyse: (files) => lincAnswer(runLinc(files, { ...REFERENCE_PIPELINE, ...change })),
});

export const naiveLinc: Mistake[] = [
  flip('no_gc_correction', "the day-10 libraries' GC bias left in: the GC-rich CpG-island promoter guides look depleted", { gc: 'none' }),
  flip('linear_gc_trend', 'GC bias modelled as a straight line across GC: misses the bias concentrated at high GC', { gc: 'linear' }),
  flip('casrx_day20_scale', 'CasRx growth read at day 20 taken as the day-10 effect (twice too large)', { casrxDayScale: false }),
  flip('casrx_ignores_kd_kin1', 'CasRx slope on kd_T1 alone: guides that also knock down KIN1 mRNA book its effect to LINC473', { casrxKin1: 'ignore' }),
  flip('transcript_effect_from_screen', 'transcript effect read from the CRISPRi screen slope on kL, which also carries KIN1, ANKRD42 and DNA-occupancy effects', { betaLFrom: 'screen_slope' }),
  flip('wells_at_intended_guide', "arrayed wells taken at the plate map's guide: plates 2 and 3, seeded from each other's map, put safe-targeting growth on KIN1 guides", { arrayed: 'intended_guide' }),
  flip('arrayed_not_centred', 'arrayed growth pooled with the screen without subtracting the NTC wells: raw day-10 growth read as a growth effect', { plateCentre: 'none' }),
  flip('no_dna_term', 'locus model without the local DNA-occupancy term: the effect of binding the promoter is booked to KIN1', { dnaTerm: false }),
  flip('nominal_target_knockdown', 'CRISPRi spreading ignored in the locus model: each guide assumed to repress only its nominal target, so KIN1 repression by promoter guides goes unmodelled', { spreading: false }),
  flip('no_ankrd42_term', 'locus model without ANKRD42: its repression through the enhancer in the LINC473 promoter is booked to KIN1', { ankrd42Term: false }),
];
