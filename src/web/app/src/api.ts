// The viewer's JSON API (served beside this app under ./api). Numbers arrive computed by the
// server's statistics modules; this file only fetches and names their shapes.

import type { TranscriptEvent } from '../../../agents/transcript.js';

export type Outcome = 'correct' | 'wrong' | 'ungraded' | 'error';
export const OUTCOMES: Outcome[] = ['correct', 'wrong', 'ungraded', 'error'];

export interface AccuracyStats {
  episodes: number;
  correct: number;
  wrong: number;
  ungraded: number;
  errors: number;
  accuracy: number | null;
  ci_low: number;
  ci_high: number;
  mean_reward: number | null;
}

export interface RunListItem extends AccuracyStats {
  run_id: string;
  label: string;
  model: string | null;
  agent: string;
  env: string;
  split: string;
  created_at: string;
  status: 'running' | 'interrupted' | 'complete';
  epochs: number;
  planned: number;
  by_domain: Record<string, AccuracyStats>;
  tokens: number;
  cost: number | null;
  duration_ms: number;
  size_bytes: number;
}

export interface LeaderboardRow {
  label: string;
  env: string;
  split: string;
  run: RunListItem;
  runs: string[];
}

export interface RoleUsage {
  inputTokens: number;
  outputTokens: number;
  cost: number | null;
  calls: number;
}

export interface RunDetail {
  item: RunListItem;
  config: Record<string, unknown> & { run_id: string; env: string; split: string; epochs: number; agent: string; model: string | null; k: number[] };
  summary: AccuracyStats & {
    by_domain: Record<string, AccuracyStats>;
    pass_k: Array<{ k: number; pass_at_k: number | null; pass_hat_k: number | null; tasks: number }>;
    usage: { agent: RoleUsage; judge: RoleUsage };
    duration_ms: number;
  };
  domains: string[];
}

export interface EpisodeRow {
  key: string;
  task_index: number;
  task_id: string;
  epoch: number;
  attempt: number;
  domain: string | null;
  outcome: Outcome;
  reward: number | null;
  end_reason: string;
  detail: string | null;
  turns: number;
  tool_calls: number;
  duration_ms: number;
  agent_in: number;
  agent_out: number;
}

export interface EpisodePage {
  offset: number;
  limit: number;
  total: number;
  rows: EpisodeRow[];
}

// Transcript events and content blocks are the recorder's own types, imported type-only from
// modules that import nothing from Node (this app is compiled without Node's types, so the
// app's typecheck fails if they ever do).
export type { TranscriptEvent };
export type { Block } from '../../../ors/types.js';

export interface ShapedEvent {
  index: number;
  event: TranscriptEvent;
  truncated?: { chars: number };
}

export interface Episode {
  run: { run_id: string; env: string; split: string; label: string };
  attempts: Array<{ attempt: number; outcome: Outcome; detail: string | null; started_at: string; final: boolean }>;
  record: {
    key: string;
    task_id: string;
    task_index: number;
    epoch: number;
    attempt: number;
    domain: string | null;
    outcome: Outcome;
    reward: number | null;
    end_reason: string;
    detail: string | null;
    task: Record<string, unknown>;
    turns: number;
    tool_calls: number;
    invalid_calls: number;
    model_calls: number;
    usage: { agent: RoleUsage; judge: RoleUsage };
    started_at: string;
    ended_at: string;
    duration_ms: number;
    final_metadata: unknown;
  };
  events: ShapedEvent[];
  submitted: { tool: string; input: unknown; turn: number } | null;
}

export type Expected = { status: 'available'; answer: unknown; accepted?: Record<string, [number, number]>; note?: string } | { status: 'unavailable'; reason: string };

export interface Flip {
  task_id: string;
  epoch: number;
  domain: string | null;
  a_key: string;
  b_key: string;
}

export interface CompareView {
  a: RunListItem;
  b: RunListItem;
  comparison: {
    pairs: number;
    excluded_not_graded: number;
    only_in_a: number;
    only_in_b: number;
    a_correct: number;
    b_correct: number;
    a_accuracy: number | null;
    b_accuracy: number | null;
    a_ci: [number, number];
    b_ci: [number, number];
    diff: number | null;
    diff_ci_low: number | null;
    diff_ci_high: number | null;
    a_only_correct: number;
    b_only_correct: number;
    mcnemar_p: number;
    bootstrap: { seed: number; resamples: number };
    by_domain: Record<string, { pairs: number; a_correct: number; b_correct: number }>;
  };
  flips: { a_only: Flip[]; b_only: Flip[] };
  warnings: string[];
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function api<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(`./api/${path}`, { signal });
  const body = await res.json().catch(() => ({ detail: `HTTP ${res.status}` }));
  if (!res.ok) throw new ApiError(res.status, (body as { detail?: string }).detail ?? `HTTP ${res.status}`);
  return body as T;
}

export const enc = encodeURIComponent;
