// Answer schema for case 10 (keys and typing as in the task definition). `selected_locus` is a
// label field: the agent writes "A" or "B"; truth, bounds and analyses use its index (A = 0, B = 1).

import { Type } from '@sinclair/typebox';
import { labelField } from '../../../grading/json-answer.js';

export const LOCUS_LABELS = ['A', 'B'] as const;

export const adnaAnswerSchema = Type.Object(
  {
    selected_locus: labelField(LOCUS_LABELS, 'the locus under stronger positive selection on the derived-allele scale'),
    s: Type.Number({ description: 'selection coefficient per generation of the selected locus on the derived-allele scale (s > 0: derived allele favoured)' }),
  },
  { additionalProperties: false },
);
