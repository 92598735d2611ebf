// Exports of a run's final episode records: JSON lines (full records, or without
// transcripts) and CSV (one row per episode, for spreadsheets and dataframes).

import type { EpisodeRecord } from './types.js';

export type ExportFormat = 'jsonl' | 'csv';

const CSV_COLUMNS = [
  'run_id', 'key', 'task_index', 'task_id', 'epoch', 'attempt', 'split', 'domain', 'outcome', 'reward', 'reward_sum',
  'end_reason', 'detail', 'turns', 'tool_calls', 'invalid_calls', 'model_calls', 'agent_input_tokens',
  'agent_output_tokens', 'agent_cost', 'judge_input_tokens', 'judge_output_tokens', 'judge_cost', 'duration_ms', 'started_at',
] as const;

/**
 * One CSV cell. Text that a spreadsheet would run as a formula (=, +, -, @, tab or CR first:
 * agent text reaches `detail`) is prefixed with a quote, as OWASP advises; numbers stay numbers.
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function exportRecords(records: EpisodeRecord[], format: ExportFormat, opts: { transcripts?: boolean } = {}): string {
  if (format === 'jsonl') {
    return records.map((r) => JSON.stringify(opts.transcripts === false ? { ...r, transcript: undefined } : r)).join('\n') + (records.length ? '\n' : '');
  }
  const rows = [CSV_COLUMNS.join(',')];
  for (const r of records) {
    const flat: Record<(typeof CSV_COLUMNS)[number], unknown> = {
      run_id: r.run_id, key: r.key, task_index: r.task_index, task_id: r.task_id, epoch: r.epoch, attempt: r.attempt,
      split: r.split, domain: r.domain, outcome: r.outcome, reward: r.reward, reward_sum: r.reward_sum ?? null, end_reason: r.end_reason, detail: r.detail,
      turns: r.turns, tool_calls: r.tool_calls, invalid_calls: r.invalid_calls, model_calls: r.model_calls,
      agent_input_tokens: r.usage.agent.inputTokens, agent_output_tokens: r.usage.agent.outputTokens, agent_cost: r.usage.agent.cost,
      judge_input_tokens: r.usage.judge.inputTokens, judge_output_tokens: r.usage.judge.outputTokens, judge_cost: r.usage.judge.cost,
      duration_ms: r.duration_ms, started_at: r.started_at,
    };
    rows.push(CSV_COLUMNS.map((c) => csvCell(flat[c])).join(','));
  }
  return rows.join('\n') + '\n';
}
