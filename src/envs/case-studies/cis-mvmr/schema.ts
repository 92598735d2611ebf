// Answer schema for case 3 (keys and typing as in the task definition).

import { Type } from '@sinclair/typebox';

export const mvmrAnswerSchema = Type.Object(
  {
    theta_PROTA: Type.Number({ description: 'direct log-odds effect of PROTA per +1 SD of log10 concentration, conditional on PROTB' }),
    theta_PROTB: Type.Number({ description: 'direct log-odds effect of PROTB per +1 SD of log10 concentration, conditional on PROTA' }),
  },
  { additionalProperties: false },
);
