// Answer schema for case 9 (keys and typing as in the task definition).

import { Type } from '@sinclair/typebox';

export const admixtureAnswerSchema = Type.Object(
  {
    parent1_A_fraction: Type.Number({ description: 'ancestry-A fraction over the called tract span of the haplotype with the smaller A fraction' }),
    parent1_t: Type.Number({ description: 'generations since the single admixture pulse, for that haplotype' }),
    parent2_A_fraction: Type.Number({ description: 'ancestry-A fraction over the called tract span of the other haplotype' }),
    parent2_t: Type.Number({ description: 'generations since the single admixture pulse, for the other haplotype' }),
  },
  { additionalProperties: false },
);
