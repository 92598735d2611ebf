// Turns how an episode ended into correct / wrong / ungraded / error.
//
// Convention with environments (documented in the README): the finishing tool output may
// carry `metadata.verdict` — "correct", "incorrect", "malformed", "judged" or "ungraded" —
// which wins; then a boolean `metadata.pass` (partial-credit tasks); otherwise a finished
// episode is correct when its reward reaches the pass threshold. `metadata.domain` (or the
// task spec's `domain`, or its `case`) groups tasks for per-domain statistics, and
// `metadata.judge_usage` ({model, input_tokens, output_tokens}) reports an LLM judge's
// tokens, counted apart from the agent's.

import type { EpisodeResult } from '../agents/loop.js';
import type { JsonObject } from '../ors/types.js';
import type { Outcome } from './types.js';

export interface Classified {
  outcome: Outcome;
  reward: number | null;
  detail: string | null;
}

export function classifyEpisode(r: EpisodeResult, passThreshold: number): Classified {
  if (r.endReason === 'agent_error' || r.endReason === 'env_error' || r.endReason === 'aborted') {
    return { outcome: 'error', reward: null, detail: `${r.endReason}: ${r.error ?? 'aborted'}` };
  }
  if (!r.finished) {
    // The agent ran out of turns, tokens or time, or stopped without submitting: its failure.
    return { outcome: 'wrong', reward: r.reward ?? 0, detail: `not finished (${r.endReason})` };
  }
  const verdict = typeof r.finalMetadata?.verdict === 'string' ? r.finalMetadata.verdict : null;
  if (verdict === 'ungraded') return { outcome: 'ungraded', reward: null, detail: 'environment could not grade (verdict ungraded)' };
  if (r.reward === null) {
    if (verdict === 'correct') return { outcome: 'correct', reward: null, detail: 'verdict correct' };
    if (verdict === 'incorrect' || verdict === 'malformed') return { outcome: 'wrong', reward: null, detail: `verdict ${verdict}` };
    return { outcome: 'ungraded', reward: null, detail: 'finished without a reward' };
  }
  if (verdict === 'correct') return { outcome: 'correct', reward: r.reward, detail: 'verdict correct' };
  if (verdict === 'incorrect' || verdict === 'malformed') return { outcome: 'wrong', reward: r.reward, detail: `verdict ${verdict}` };
  // Partial-credit environments (case studies) say whether the task as a whole passed.
  const pass = r.finalMetadata?.pass;
  if (typeof pass === 'boolean') return { outcome: pass ? 'correct' : 'wrong', reward: r.reward, detail: `pass ${pass}` };
  const ok = r.reward >= passThreshold;
  return { outcome: ok ? 'correct' : 'wrong', reward: r.reward, detail: `reward ${r.reward} ${ok ? '>=' : '<'} ${passThreshold}` };
}

export function domainOf(task: JsonObject, metadata: JsonObject | null): string | null {
  const d = metadata?.domain ?? task.domain ?? task.case;
  return typeof d === 'string' && d.length > 0 ? d : null;
}

export function taskIdOf(task: JsonObject, split: string, index: number): string {
  for (const k of ['id', 'task_id', 'uid']) {
    const v = task[k];
    if (typeof v === 'string' && v.length > 0) return v;
    if (typeof v === 'number') return String(v);
  }
  return `${split}/${index}`;
}

export function judgeUsageOf(metadata: JsonObject | null): { model: string; inputTokens: number; outputTokens: number } | null {
  const j = metadata?.judge_usage;
  if (!j || typeof j !== 'object' || Array.isArray(j)) return null;
  const input = Number(j.input_tokens ?? 0);
  const output = Number(j.output_tokens ?? 0);
  if (!Number.isFinite(input) || !Number.isFinite(output)) return null;
  return { model: typeof j.model === 'string' ? j.model : 'unknown', inputTokens: input, outputTokens: output };
}
