// Answer schema for case 2 (keys and int/float typing as in the task definition).

import { Type } from '@sinclair/typebox';

export const lincAnswerSchema = Type.Object(
  {
    advance_target: Type.Integer({ minimum: 0, maximum: 1, description: '1 only if lncrna_specific_lfc ≤ −0.08 and neighbor_mediated_lfc > −0.25' }),
    lncrna_specific_lfc: Type.Number({ description: 'day-10 log2 growth effect at 100% knockdown of LINC473 T1, excluding local DNA-locus effects' }),
    neighbor_mediated_lfc: Type.Number({ description: 'day-10 log2 growth effect at 100% KIN1 repression in the local locus model' }),
  },
  { additionalProperties: false },
);
