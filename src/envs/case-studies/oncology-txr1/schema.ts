// Answer schema for case 1 (keys and int/float typing as in the task definition).

import { Type } from '@sinclair/typebox';

export const txrAnswerSchema = Type.Object(
  {
    therapy_class_code: Type.Integer({ minimum: 0, maximum: 1, description: '1 if TXR1i has positive net clinical utility, else 0' }),
    benefit_rd_pp: Type.Number({ description: 'week-16 benefit risk difference TXR1i − non-TXR1, percentage points' }),
    toxicity_dropout_risk_pp: Type.Number({ description: '8-week treatment-limiting toxicity/discontinuation risk under TXR1i, percentage points' }),
    net_clinical_utility_pp: Type.Number({ description: 'benefit_rd_pp − 0.35 × toxicity_dropout_risk_pp' }),
  },
  { additionalProperties: false },
);
