// Answer schema for case 8 (keys and typing as in the task definition): high_founder is a
// string label "F1".."F8" (graded as its index), qtl_pos_cM a float.

import { Type } from '@sinclair/typebox';
import { labelField } from '../../../grading/json-answer.js';
import { FOUNDER_LABELS } from './simulator.js';

export const mppAnswerSchema = Type.Object(
  {
    high_founder: labelField(FOUNDER_LABELS, 'founder carrying the high-effect allele at the chromosome-1 QTL, "F1".."F8"'),
    qtl_pos_cM: Type.Number({ description: 'chromosome-1 QTL position in cM (genetic map of markers.tsv.gz)' }),
  },
  { additionalProperties: false },
);
