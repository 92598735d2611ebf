// Answer schema for case 10. The task definition's `selected_locus` is the string "A" or "B";
// the grader scores numbers only, so it is an integer code here (0 = A, 1 = B), as the prompt says.

import { Type } from '@sinclair/typebox';

export const adnaAnswerSchema = Type.Object(
  {
    selected_locus: Type.Integer({ minimum: 0, maximum: 1, description: 'the locus under stronger positive selection on the derived-allele scale: 0 = locus A, 1 = locus B' }),
    s: Type.Number({ description: 'selection coefficient per generation of the selected locus on the derived-allele scale (s > 0: derived allele favoured)' }),
  },
  { additionalProperties: false },
);
