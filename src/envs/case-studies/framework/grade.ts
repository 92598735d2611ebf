// The one grading path of a case-study answer: the response text an agent would send to
// submit_answer goes through the strict/repair parser and the tolerance grader with the
// instance's bounds and the case's consistency hook. submit_answer, the built-in agents' checks,
// the calibration bench and the CI checks all grade through here, so a baseline is scored
// exactly as an agent's answer is.

import { answerToWire, parseAnswer, schemaFields, type ParsedAnswer } from '../../../grading/json-answer.js';
import { type CaseGrade, gradeCase } from '../../../grading/tolerance.js';
import type { Answer, Bounds, CaseStudy } from '../types.js';

export type CaseReward = 'binary' | 'fraction';

/**
 * The environment's default reward: 1 only when every field and consistency check passes. The
 * per-field fraction pays for fields that land in their tolerance by chance, so a constant
 * answer would earn reward; it stays available as an opt-in (`--env-opt reward=fraction`).
 */
export const DEFAULT_CASE_REWARD: CaseReward = 'binary';

export interface GradeResponseOptions {
  reward?: CaseReward;
  formatPenalty?: number;
}

export interface GradedResponse {
  parsed: ParsedAnswer;
  grade: CaseGrade;
}

/** Grades a submit_answer `response` text against an instance's bounds (the only grading path). */
export function gradeResponse(cs: CaseStudy, bounds: Bounds, response: string, opts: GradeResponseOptions = {}): GradedResponse {
  const parsed = parseAnswer(response, cs.answerSchema);
  const grade = gradeCase(parsed, bounds, {
    reward: opts.reward ?? DEFAULT_CASE_REWARD,
    formatPenalty: opts.formatPenalty,
    consistency: cs.consistency ? (v) => cs.consistency!(v) : undefined,
  });
  return { parsed, grade };
}

/**
 * The response text an agent would submit for an internal answer (label fields as codes). A
 * label code out of range is written as the raw number, so it is graded as the bad field it is
 * instead of throwing; non-finite numbers become null (an abstention after repair).
 */
export function responseText(cs: CaseStudy, answer: Answer, reasoning = ''): string {
  const wire: Record<string, unknown> = {};
  const fields = schemaFields(cs.answerSchema);
  for (const f of fields) {
    if (!(f.key in answer)) continue;
    const v = answer[f.key];
    if (f.kind === 'label') {
      try {
        wire[f.key] = answerToWire(cs.answerSchema, { [f.key]: v })[f.key];
      } catch {
        wire[f.key] = v;
      }
    } else wire[f.key] = Number.isFinite(v) ? v : null;
  }
  for (const k of Object.keys(answer)) if (!(k in wire) && !fields.some((f) => f.key === k)) wire[k] = answer[k];
  return JSON.stringify({ answer: wire, reasoning });
}

/** Grades an internal answer as if an agent had submitted it (see responseText). */
export function gradeAnswer(cs: CaseStudy, bounds: Bounds, answer: Answer, opts: GradeResponseOptions = {}): GradedResponse {
  return gradeResponse(cs, bounds, responseText(cs, answer, 'graded by the framework'), opts);
}
