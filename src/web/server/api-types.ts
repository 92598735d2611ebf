// The shapes of the viewer's JSON API, shared by the server (which builds them) and the
// browser app (which only formats them). No Node imports anywhere in this type graph: the app
// is compiled without Node's types, so its typecheck fails if one creeps in.

import type { JsonObject, JsonValue } from '../../ors/types.js';
import type { Comparison } from '../../runs/compare.js';
import type { AccuracyStats, RunSummary } from '../../runs/summary.js';
import type { Outcome, RunConfig, RunStatus } from '../../runs/types.js';
import type { ShapedEpisode } from './transcript.js';

/** One run as the leaderboard and the runs list show it: its accuracy numbers are summarise()'s. */
export interface RunListItem extends AccuracyStats {
  run_id: string;
  /** the model spec, or the built-in agent's name */
  label: string;
  model: string | null;
  agent: string;
  env: string;
  split: string;
  created_at: string;
  status: RunStatus;
  epochs: number;
  planned: number;
  by_domain: RunSummary['by_domain'];
  /** agent input + output tokens */
  tokens: number;
  /** agent + judge USD; null when any model was unpriced */
  cost: number | null;
  duration_ms: number;
  size_bytes: number;
}

export interface RunDetail {
  item: RunListItem;
  config: RunConfig;
  summary: RunSummary;
  domains: string[];
}

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
  comparison: Comparison;
  /** pairs A got right and B wrong, and the reverse (the discordant pairs McNemar counts) */
  flips: { a_only: Flip[]; b_only: Flip[] };
  warnings: string[];
}

export interface LeaderboardRow {
  label: string;
  env: string;
  split: string;
  /** the newest run of this (model/agent, env, split) */
  run: RunListItem;
  /** every run of the group, newest first */
  runs: string[];
}

/** What the viewer keeps of one episode record: everything but the task, metadata and transcript. */
export interface EpisodeRow {
  /** position among the run's episode lines (0-based, in file order) */
  seq: number;
  offset: number;
  length: number;
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
  started_at: string;
  agent_in: number;
  agent_out: number;
  agent_calls: number;
  agent_cost: number | null;
  judge_in: number;
  judge_out: number;
  judge_calls: number;
  judge_cost: number | null;
}

export interface EpisodePage {
  offset: number;
  limit: number;
  total: number;
  rows: EpisodeRow[];
}

/** One transcript as the episode endpoint serves it. */
export interface EpisodeView extends ShapedEpisode {
  run: { run_id: string; env: string; split: string; label: string };
  /** every attempt of the key, in file order; `final` marks the one that counts */
  attempts: Array<{ attempt: number; outcome: Outcome; detail: string | null; started_at: string; final: boolean }>;
}

export type ExpectedAnswer =
  | { status: 'available'; answer: JsonValue; accepted?: JsonObject; note?: string }
  | { status: 'unavailable'; reason: string };
