// Reads what was appended to a run's episodes.jsonl since the last scan and turns each whole
// episode line into an index row (byte range + the small fields tables and statistics need).
// A line the run's sidecar (episodes.idx.jsonl) describes exactly — same offset, same length,
// ending in a newline here — is taken from the sidecar; any other line is parsed in full, so
// the rows are the same either way, only slower without the sidecar.

import { statSync } from 'node:fs';
import { type EpisodeFields, episodeFields, parseSidecarLine, SIDECAR_HEADER, type SidecarEntry } from '../../runs/episode-index.js';
import { forEachLine } from '../../runs/lines.js';
import type { RunStore } from '../../runs/store.js';
import type { EpisodeRecord } from '../../runs/types.js';
import type { EpisodeRow } from './api-types.js';

/** Where a scan stopped: JSONL bytes covered (whole lines only), episode lines seen, sidecar bytes read. */
export interface ScanState {
  bytes: number;
  lines: number;
  sideBytes: number;
}

export const EMPTY_SCAN: ScanState = { bytes: 0, lines: 0, sideBytes: 0 };

export interface ScanResult {
  /** new episode rows, in file order, and the search text of each (same index) */
  rows: EpisodeRow[];
  search: string[];
  state: ScanState;
  /** the file is shorter than the last scan saw: it was replaced, and this scan started over */
  restarted: boolean;
  /** lines taken from the sidecar, and lines parsed in full */
  fromSidecar: number;
  parsed: number;
}

/**
 * Scans the run's JSONL from `prev` on. Only whole lines are taken: a line still being written
 * waits for the next scan.
 */
export function scanRun(store: RunStore, prev: ScanState, opts: { chunkBytes?: number } = {}): ScanResult {
  const size = store.episodesSize();
  const restarted = prev.bytes > size;
  const from = restarted ? EMPTY_SCAN : prev;
  const out: ScanResult = { rows: [], search: [], state: { ...from }, restarted, fromSidecar: 0, parsed: 0 };
  if (from.bytes === size) return out;
  const side = readSidecar(store.sidecarPath, from.sideBytes, size);
  const entries = side.entries;
  let next = 0;
  let seq = from.lines;
  const take = (fields: EpisodeFields, offset: number, length: number) => {
    out.rows.push(rowOf(seq++, offset, length, fields));
    out.search.push(fields[22]);
  };
  const covered = forEachLine(
    store.episodesPath,
    from.bytes,
    size,
    (buf, start, end, offset) => {
      const length = end - start;
      while (next < entries.length && entries[next].offset < offset) next++;
      const e = next < entries.length && entries[next].offset === offset && entries[next].length === length ? entries[next] : null;
      if (e) {
        if (e.fields) take(e.fields, offset, length);
        out.fromSidecar++;
      } else if (length > 0) {
        const fields = parseEpisodeLine(buf.subarray(start, end));
        if (fields) take(fields, offset, length);
        out.parsed++;
      }
    },
    opts.chunkBytes,
  );
  out.state = { bytes: covered, lines: seq, sideBytes: side.upTo };
  return out;
}

function rowOf(seq: number, offset: number, length: number, f: EpisodeFields): EpisodeRow {
  return {
    seq,
    offset,
    length,
    key: f[0],
    task_index: f[1],
    task_id: f[2],
    epoch: f[3],
    attempt: f[4],
    domain: f[5],
    outcome: f[6],
    reward: f[7],
    end_reason: f[8],
    detail: f[9],
    turns: f[10],
    tool_calls: f[11],
    duration_ms: f[12],
    started_at: f[13],
    agent_in: f[14],
    agent_out: f[15],
    agent_calls: f[16],
    agent_cost: f[17],
    judge_in: f[18],
    judge_out: f[19],
    judge_calls: f[20],
    judge_cost: f[21],
  };
}

/** The small fields of an episode line; null for other lines and for a torn line from a crash (the store's readers skip it too). */
function parseEpisodeLine(bytes: Buffer): EpisodeFields | null {
  let rec: EpisodeRecord;
  try {
    rec = JSON.parse(bytes.toString('utf8')) as EpisodeRecord;
  } catch {
    return null;
  }
  return rec?.type === 'episode' ? episodeFields(rec) : null;
}

/**
 * The sidecar entries from byte `from` on, up to the first one reaching past `jsonlSize` (written
 * after the JSONL was measured) or a last line still being written; `upTo` is where the next
 * scan resumes. A missing sidecar, or one of another format, gives no entries.
 */
function readSidecar(path: string, from: number, jsonlSize: number): { entries: SidecarEntry[]; upTo: number } {
  const none = { entries: [], upTo: 0 };
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return none;
  }
  if (from > size) from = 0; // replaced by a shorter file
  const entries: SidecarEntry[] = [];
  let headerOk = from > 0; // checked when the sidecar was first read
  let upTo: number;
  try {
    upTo = forEachLine(path, from, size, (buf, start, end, offset) => {
      if (offset === 0) return (headerOk = buf.toString('utf8', start, end) === SIDECAR_HEADER);
      const e = parseSidecarLine(buf.toString('utf8', start, end));
      if (e && e.offset + e.length + 1 > jsonlSize) return false;
      if (e) entries.push(e);
    });
  } catch {
    return none; // removed between the two looks
  }
  return headerOk ? { entries, upTo } : none;
}
