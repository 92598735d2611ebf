// The sidecar of episodes.jsonl (episodes.idx.jsonl): one short line per JSONL line, written
// by the run store right after the JSONL line itself, holding that line's byte range and the
// small fields a table of episodes needs. A reader can then list a large run without parsing
// every transcript. Like every index it is derived data: readers check each entry against the
// JSONL's own line boundaries, parse in full whatever it does not cover, and work without it.

import type { EpisodeRecord, Outcome, RunLine } from './types.js';

export const SIDECAR_FILE = 'episodes.idx.jsonl';
/** First line of a sidecar; bump the version whenever the fields or the search text change. */
export const SIDECAR_HEADER = JSON.stringify({ format: 'genegym-episodes-index', version: 1 });

/** Characters of the task spec kept for text search (the question, mostly). */
const SEARCH_TASK_CHARS = 4000;

/**
 * The small fields of one episode record, in this fixed order. A sidecar entry is
 * `[offset, length, ...fields]` for an episode line and `[offset, length]` for any other line;
 * length counts the line's bytes without its newline.
 */
export type EpisodeFields = [
  key: string,
  task_index: number,
  task_id: string,
  epoch: number,
  attempt: number,
  domain: string | null,
  outcome: Outcome,
  reward: number | null,
  end_reason: string,
  detail: string | null,
  turns: number,
  tool_calls: number,
  duration_ms: number,
  started_at: string,
  agent_in: number,
  agent_out: number,
  agent_calls: number,
  agent_cost: number | null,
  judge_in: number,
  judge_out: number,
  judge_calls: number,
  judge_cost: number | null,
  /** lower-cased task id, domain, detail, end reason and the start of the task spec */
  search: string,
];

export function episodeFields(rec: EpisodeRecord): EpisodeFields {
  const task = JSON.stringify(rec.task ?? {}).slice(0, SEARCH_TASK_CHARS);
  return [
    rec.key,
    rec.task_index,
    rec.task_id,
    rec.epoch,
    rec.attempt,
    rec.domain,
    rec.outcome,
    rec.reward,
    rec.end_reason,
    rec.detail,
    rec.turns,
    rec.tool_calls,
    rec.duration_ms,
    rec.started_at,
    rec.usage.agent.inputTokens,
    rec.usage.agent.outputTokens,
    rec.usage.agent.calls,
    rec.usage.agent.cost,
    rec.usage.judge.inputTokens,
    rec.usage.judge.outputTokens,
    rec.usage.judge.calls,
    rec.usage.judge.cost,
    [rec.task_id, rec.domain ?? '', rec.detail ?? '', rec.end_reason, task].join('\n').toLowerCase(),
  ];
}

/** One sidecar line (without its newline) for a JSONL line at `offset` of `length` bytes holding `line`. */
export function sidecarEntry(offset: number, length: number, line: RunLine): string {
  return JSON.stringify(line.type === 'episode' ? [offset, length, ...episodeFields(line)] : [offset, length]);
}

// Kind of each field, for checking entries read back: s string, n number, S string|null, N number|null.
const KINDS = 'snsnnSsNsSnnnsnnnNnnnNs';
const OUTCOMES = new Set<string>(['correct', 'wrong', 'ungraded', 'error']);

/** A parsed sidecar entry: null when the line is not a well-formed entry (torn or corrupted). */
export type SidecarEntry = { offset: number; length: number; fields: EpisodeFields | null };

export function parseSidecarLine(line: string): SidecarEntry | null {
  let a: unknown;
  try {
    a = JSON.parse(line);
  } catch {
    return null;
  }
  if (!Array.isArray(a) || !Number.isSafeInteger(a[0]) || !Number.isSafeInteger(a[1]) || a[0] < 0 || a[1] <= 0) return null;
  if (a.length === 2) return { offset: a[0], length: a[1], fields: null };
  if (a.length !== 2 + KINDS.length) return null;
  for (let i = 0; i < KINDS.length; i++) {
    const v = a[i + 2];
    const k = KINDS[i];
    if (v === null ? k !== 'S' && k !== 'N' : typeof v !== (k === 's' || k === 'S' ? 'string' : 'number')) return null;
  }
  if (!OUTCOMES.has(a[8])) return null;
  return { offset: a[0], length: a[1], fields: a.slice(2) as EpisodeFields };
}
