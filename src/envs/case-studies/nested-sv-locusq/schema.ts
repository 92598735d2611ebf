// Answer schema for case 6 (keys and typing as in the task definition).

import { Type } from '@sinclair/typebox';

export const locusQAnswerSchema = Type.Object(
  {
    n_calibrated_carriers: Type.Integer({ minimum: 0, description: 'reliable breakpoint-panel samples (PASS, array-concordant, counted once) carrying ≥ 1 segment-B copy' }),
    target_support_code: Type.Integer({ minimum: 0, maximum: 1, description: '1 if the expression-supported gene has expression_log_fc > 0 and subhap_log_or < 0, else 0' }),
    expression_log_fc: Type.Number({ description: 'natural-log expression fold-change per calibrated segment-B copy for the expression-supported gene' }),
    subhap_log_or: Type.Number({ description: 'natural-log source-population total-effect odds ratio for case status per extra calibrated segment-B copy' }),
  },
  { additionalProperties: false },
);
