// Answer schema for case 5 (key and typing as in the task definition).

import { Type } from '@sinclair/typebox';

export const scEqtlAnswerSchema = Type.Object(
  {
    beta_activated: Type.Number({ description: 'per-allele log rate ratio of CXCL10 expression in activated monocytes (natural log, per copy of the effect allele)' }),
  },
  { additionalProperties: false },
);
