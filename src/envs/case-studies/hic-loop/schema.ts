// Answer schema for case 7 (keys and typing as in the task definition).

import { Type } from '@sinclair/typebox';

export const hicAnswerSchema = Type.Object(
  {
    case_loop_strength: Type.Number({ description: 'mean over case replicates of log2(observed/expected) at 20 kb bins 8 × 17' }),
    control_loop_strength: Type.Number({ description: 'mean over control replicates of log2(observed/expected) at 20 kb bins 8 × 17' }),
    delta_loop_strength: Type.Number({ description: 'case_loop_strength − control_loop_strength' }),
  },
  { additionalProperties: false },
);
