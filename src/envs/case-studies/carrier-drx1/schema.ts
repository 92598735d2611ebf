// Answer schema for case 4 (keys and order as in the task definition; probabilities, not %).

import { Type } from '@sinclair/typebox';

export const carrierAnswerSchema = Type.Object(
  {
    carrier_frequency_afr: Type.Number({ description: 'DRX1 carrier frequency among AFR screening-roster adults (probability scale)' }),
    carrier_frequency_eur: Type.Number({ description: 'DRX1 carrier frequency among EUR screening-roster adults (probability scale)' }),
    residual_carrier_risk_afr_negative: Type.Number({ description: 'carrier probability of an AFR screening-roster adult after a negative DRX1 screen' }),
    partner_carrier_frequency_full_roster: Type.Number({ description: 'carrier probability of a uniformly drawn partner-roster row' }),
    couple_reproductive_risk: Type.Number({ description: 'probability of an affected conceptus: AFR screen-negative index × partner-roster partner, autosomal recessive (1/4)' }),
  },
  { additionalProperties: false },
);
