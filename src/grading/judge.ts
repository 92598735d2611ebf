// Optional LLM-judge fallback for answers the programmatic matcher could not read. It only
// ever runs on a "malformed" result; its verdict is recorded as "judged", and any failure
// (network, refusal, unparsable verdict) is "ungraded" with reward 0, never a silent guess.

import OpenAI from 'openai';
import type { AnswerKey, GradeResult } from './match.js';
import { gradeAnswer } from './match.js';

export interface JudgeConfig {
  model: string;
  apiKey: string;
  /** any OpenAI-compatible endpoint; default api.openai.com */
  baseURL?: string;
  timeoutMs?: number;
}

/**
 * Judge settings from ORS secrets or environment: JUDGE_MODEL (required), JUDGE_API_KEY or
 * OPENAI_API_KEY, JUDGE_BASE_URL or OPENAI_BASE_URL. Returns null when no judge is configured.
 */
export function judgeConfigFrom(src: Record<string, string | undefined>): JudgeConfig | null {
  const model = src.JUDGE_MODEL;
  const apiKey = src.JUDGE_API_KEY ?? src.OPENAI_API_KEY;
  if (!model || !apiKey) return null;
  return { model, apiKey, baseURL: src.JUDGE_BASE_URL ?? src.OPENAI_BASE_URL };
}

export interface JudgeInput {
  question: string;
  key: AnswerKey;
  submitted: unknown;
}

const SYSTEM = [
  'You grade answers to genomics questions. The question states every definition that matters.',
  'Compare the submitted answer with the reference answer field by field, using the grading rule',
  'of each field: "sequence" must match exactly ignoring case and whitespace; "exact" must be the',
  'same number or label; "numeric" may differ by at most the tolerance. Do not reward partial',
  'answers, hedged lists of alternatives, or answers that only describe a method.',
  'Reply with one JSON object and nothing else: {"correct": true|false, "reason": "<short>"}.',
].join(' ');

/** Grades programmatically, then asks the judge only if the answer could not be read. */
export async function gradeWithFallback(input: JudgeInput, judge: JudgeConfig | null): Promise<GradeResult> {
  const programmatic = gradeAnswer(input.key, input.submitted);
  if (programmatic.verdict !== 'malformed' || !judge) return programmatic;
  return judgeAnswer(input, judge, programmatic.reason);
}

/** The API surface a judge needs; tests pass a fake. */
export type JudgeClient = Pick<OpenAI, 'chat'>;

/**
 * One deterministic judge turn (temperature 0): a system prompt and a JSON user message in, the
 * reply text out. Network and API failures throw; callers decide what a failure means.
 */
export async function askJudge(cfg: JudgeConfig, system: string, user: string, opts: { defaultTimeoutMs: number; client?: JudgeClient }): Promise<string> {
  const api = opts.client ?? new OpenAI({ apiKey: cfg.apiKey, baseURL: cfg.baseURL, timeout: cfg.timeoutMs ?? opts.defaultTimeoutMs, maxRetries: 1 });
  const res = await api.chat.completions.create({
    model: cfg.model,
    temperature: 0,
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ],
  });
  return res.choices[0]?.message?.content ?? '';
}

export async function judgeAnswer(input: JudgeInput, cfg: JudgeConfig, whyFallback = ''): Promise<GradeResult> {
  const user = JSON.stringify({
    question: input.question,
    reference_answer: input.key.answer,
    grading: input.key.fields,
    submitted_answer: input.submitted,
  });
  const prefix = whyFallback ? `parser: ${whyFallback}; ` : '';
  try {
    const text = await askJudge(cfg, SYSTEM, user, { defaultTimeoutMs: 30_000 });
    const verdict = parseVerdict(text);
    if (!verdict) return ungraded(`${prefix}judge reply was not a verdict: ${JSON.stringify(text.slice(0, 200))}`);
    return {
      reward: verdict.correct ? 1 : 0,
      verdict: 'judged',
      reason: `${prefix}judge (${cfg.model}): ${verdict.reason}`,
      fields: [],
    };
  } catch (err) {
    return ungraded(`${prefix}judge failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function ungraded(reason: string): GradeResult {
  return { reward: 0, verdict: 'ungraded', reason, fields: [] };
}

function parseVerdict(text: string): { correct: boolean; reason: string } | null {
  const m = text.match(/\{[\s\S]*\}/);
  if (!m) return null;
  try {
    const obj = JSON.parse(m[0]) as { correct?: unknown; reason?: unknown };
    if (typeof obj.correct !== 'boolean') return null;
    return { correct: obj.correct, reason: typeof obj.reason === 'string' ? obj.reason : '' };
  } catch {
    return null;
  }
}
