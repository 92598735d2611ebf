// Records of a run. episodes.jsonl is append-only and is the source of truth; the SQLite
// index is derived from it and can be rebuilt at any time. No Node imports in this type graph:
// the web viewer's browser code type-checks against these shapes.

import type { EndReason } from '../agents/types.js';
import type { TranscriptEvent } from '../agents/transcript.js';
import type { JsonObject } from '../ors/types.js';
import type { RoleUsage } from '../models/usage.js';

/** Where a run stands: see runStatus in status.ts. */
export type RunStatus = 'running' | 'interrupted' | 'complete';

/** How an episode ended. Errors are faults of the machinery and never count as wrong. */
export type Outcome = 'correct' | 'wrong' | 'ungraded' | 'error';

export interface RunConfig {
  run_id: string;
  created_at: string;
  env: string;
  /** null = in-process */
  server: string | null;
  split: string;
  /** model spec (`openai:gpt-4o-mini`) or null when a built-in agent plays */
  model: string | null;
  base_url: string | null;
  /** name of the env var holding the key (the key itself is never stored) */
  api_key_env: string | null;
  agent: string;
  task_indices: number[];
  epochs: number;
  seed: number;
  max_turns: number;
  max_tokens: number | null;
  time_limit_ms: number | null;
  concurrency: number;
  /** reward at or above which a finished episode is correct (without an explicit verdict) */
  pass_threshold: number;
  /** pass@k / pass^k values to report; each ≤ epochs */
  k: number[];
  cache: boolean;
  temperature: number | null;
  /** re-runs of an episode that ended in error, within one invocation */
  error_retries: number;
  genegym_version: string;
  /** --env-opt settings of an in-process environment; resume reuses them (absent in older runs: none) */
  env_options?: Record<string, string>;
  /** --assembly of an in-process genome environment; resume reuses it */
  assembly?: string | null;
  /** sha256 of the planned task specs in order: resume refuses an environment that now yields other tasks */
  tasks_fingerprint?: string;
}

/** Written before an episode starts (write-ahead), so a crash leaves evidence of it. */
export interface StartedLine {
  type: 'started';
  key: string;
  attempt: number;
  at: string;
}

export interface EpisodeRecord {
  type: 'episode';
  /** `${task_index}#${epoch}` */
  key: string;
  run_id: string;
  task_index: number;
  task_id: string;
  epoch: number;
  attempt: number;
  split: string;
  domain: string | null;
  outcome: Outcome;
  /** the reward that scores: the finishing output's (see classifyEpisode) */
  reward: number | null;
  /** sum of every per-step reward the tools gave, finishing one included (absent in older runs) */
  reward_sum?: number | null;
  end_reason: EndReason;
  /** why the outcome is what it is (verdict source, error text) */
  detail: string | null;
  task: JsonObject;
  turns: number;
  tool_calls: number;
  invalid_calls: number;
  model_calls: number;
  usage: { agent: RoleUsage; judge: RoleUsage };
  started_at: string;
  ended_at: string;
  duration_ms: number;
  final_metadata: JsonObject | null;
  transcript: TranscriptEvent[];
}

export type RunLine = StartedLine | EpisodeRecord;

export function episodeKey(taskIndex: number, epoch: number): string {
  return `${taskIndex}#${epoch}`;
}
