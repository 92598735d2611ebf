// The viewer's own derived index (runs/viewer.sqlite): one row per line of a run's
// episodes.jsonl with its byte offset and the small fields tables and statistics need, so a
// page of episodes or one transcript never parses the whole file. Like the runs index it can
// be deleted at any time; scans are incremental (only bytes appended since the last scan).

import Database from 'better-sqlite3';
import { closeSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { type EpisodeFields, episodeFields, parseSidecarLine, SIDECAR_HEADER, type SidecarEntry } from '../../runs/episode-index.js';
import { finalRecords, RunStore, runsDir } from '../../runs/store.js';
import type { EpisodeRecord, Outcome } from '../../runs/types.js';

/** What the viewer keeps of one episode record: everything but the task, metadata and transcript. */
export interface EpisodeRow {
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

export const OUTCOMES: readonly Outcome[] = ['correct', 'wrong', 'ungraded', 'error'];

export interface EpisodeQuery {
  outcome?: Outcome;
  domain?: string;
  /** case-insensitive substring of the task id, domain, detail or task text */
  q?: string;
  offset: number;
  limit: number;
}

const CHUNK = 8 * 1024 * 1024;
const SCHEMA_VERSION = 3;

const COLUMNS = `seq, offset, length, key, task_index, task_id, epoch, attempt, domain, outcome, reward, end_reason, detail,
  turns, tool_calls, duration_ms, started_at, agent_in, agent_out, agent_calls, agent_cost, judge_in, judge_out, judge_calls, judge_cost`;

export class ViewerIndex {
  readonly db: Database.Database;
  /** How the last scan that read anything took its lines: from the sidecar, or parsed in full. */
  lastScan = { fromSidecar: 0, parsed: 0 };

  constructor(readonly home: string) {
    mkdirSync(runsDir(home), { recursive: true });
    this.db = new Database(join(runsDir(home), 'viewer.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    // Derived data: a file of an older layout is simply rebuilt.
    if (this.db.pragma('user_version', { simple: true }) !== SCHEMA_VERSION) {
      this.db.exec('DROP TABLE IF EXISTS scans; DROP TABLE IF EXISTS lines;');
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS scans (run_id TEXT PRIMARY KEY, bytes INTEGER NOT NULL, lines INTEGER NOT NULL, side_bytes INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS lines (
        run_id TEXT NOT NULL, seq INTEGER NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL,
        final INTEGER NOT NULL DEFAULT 0, key_order INTEGER NOT NULL DEFAULT 0, key TEXT NOT NULL, task_index INTEGER NOT NULL, task_id TEXT NOT NULL,
        epoch INTEGER NOT NULL, attempt INTEGER NOT NULL, domain TEXT, outcome TEXT NOT NULL, reward REAL,
        end_reason TEXT NOT NULL, detail TEXT, turns INTEGER NOT NULL, tool_calls INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL, started_at TEXT NOT NULL,
        agent_in INTEGER NOT NULL, agent_out INTEGER NOT NULL, agent_calls INTEGER NOT NULL, agent_cost REAL,
        judge_in INTEGER NOT NULL, judge_out INTEGER NOT NULL, judge_calls INTEGER NOT NULL, judge_cost REAL,
        search TEXT NOT NULL,
        PRIMARY KEY (run_id, seq));
      CREATE INDEX IF NOT EXISTS lines_final ON lines (run_id, final, task_index, epoch);
      CREATE INDEX IF NOT EXISTS lines_order ON lines (run_id, final, key_order);
      CREATE INDEX IF NOT EXISTS lines_key ON lines (run_id, key);
    `);
  }

  close(): void {
    this.db.close();
  }

  /**
   * Indexes whatever was appended to the run's JSONL since the last scan; returns the number of
   * bytes covered. Only whole lines are taken: a line still being written waits for the next scan.
   * A line the run's sidecar describes exactly (same offset, same length, ending in a newline
   * here) is taken from the sidecar; any other line is parsed in full.
   */
  sync(store: RunStore): number {
    const size = store.episodesSize();
    const prev = this.db.prepare('SELECT bytes, lines, side_bytes FROM scans WHERE run_id = ?').get(store.id) as { bytes: number; lines: number; side_bytes: number } | undefined;
    if (prev && prev.bytes === size) return size;
    let start = prev?.bytes ?? 0;
    let seq = prev?.lines ?? 0;
    let sideFrom = prev?.side_bytes ?? 0;
    if (start > size) {
      // The file shrank: it was replaced, so the old rows describe another file.
      this.db.prepare('DELETE FROM lines WHERE run_id = ?').run(store.id);
      start = 0;
      seq = 0;
      sideFrom = 0;
    }
    const side = readSidecar(store.sidecarPath, sideFrom, size);
    const entries = side.entries;
    let next = 0;
    const insert = this.db.prepare(`INSERT OR REPLACE INTO lines (run_id, ${COLUMNS}, search, final, key_order) VALUES (${Array(29).fill('?').join(', ')})`);
    let covered = start;
    const parsed: Row[] = [];
    let fromSidecar = 0;
    let parsedLines = 0;
    const fd = openSync(store.episodesPath, 'r');
    try {
      let pos = start;
      let carry: Buffer = Buffer.alloc(0);
      let carryOffset = start;
      const buf = Buffer.allocUnsafe(CHUNK);
      while (pos < size) {
        const n = readSync(fd, buf, 0, Math.min(CHUNK, size - pos), pos);
        if (n <= 0) break;
        pos += n;
        const data = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
        let lineStart = 0;
        for (let nl = data.indexOf(0x0a); nl !== -1; nl = data.indexOf(0x0a, lineStart)) {
          const offset = carryOffset + lineStart;
          const length = nl - lineStart;
          while (next < entries.length && entries[next].offset < offset) next++;
          const e = next < entries.length && entries[next].offset === offset && entries[next].length === length ? entries[next] : null;
          let row: Row | null;
          if (e) {
            row = e.fields ? [seq, offset, length, ...e.fields] : null;
            fromSidecar++;
          } else {
            row = parseLine(data.subarray(lineStart, nl), offset, length, seq);
            if (length > 0) parsedLines++;
          }
          if (row) {
            parsed.push(row);
            seq++;
          }
          lineStart = nl + 1;
          covered = carryOffset + lineStart;
        }
        carry = Buffer.from(data.subarray(lineStart));
        carryOffset += lineStart;
      }
    } finally {
      closeSync(fd);
    }
    this.lastScan = { fromSidecar, parsed: parsedLines };
    const flags = this.finalFlags(store.id, parsed);
    this.db.transaction(() => {
      for (const r of parsed) {
        const f = flags.get(r[0]);
        // Positional binding, no spread: this runs 100,000 times on a large run's first scan.
        insert.run(store.id, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15], r[16], r[17], r[18], r[19],
          r[20], r[21], r[22], r[23], r[24], r[25], f === undefined ? 0 : 1, f ?? 0);
      }
      const unmark = this.db.prepare('UPDATE lines SET final = 0 WHERE run_id = ? AND seq = ?');
      const mark = this.db.prepare('UPDATE lines SET final = 1, key_order = ? WHERE run_id = ? AND seq = ?');
      for (const [seq, order] of flags.changedOld) {
        if (order === null) unmark.run(store.id, seq);
        else mark.run(order, store.id, seq);
      }
      this.db.prepare('INSERT OR REPLACE INTO scans (run_id, bytes, lines, side_bytes) VALUES (?, ?, ?, ?)').run(store.id, covered, seq, side.upTo);
    })();
    // Keep the write-ahead log short after a big scan, so later reads stay quick.
    if (parsed.length > 10_000) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return covered;
  }

  /**
   * Which lines hold the record that counts for each key, by the runs store's own rule
   * (finalRecords), numbered in the order finalRecords yields the keys (first line of each
   * key): the paired bootstrap's resampling depends on that order, so the viewer feeds the
   * statistics the same sequence the store's reader would. Returns seq → order for new lines,
   * and the already indexed lines whose flag changes.
   */
  private finalFlags(runId: string, freshRows: Row[]): Map<number, number> & { changedOld: Map<number, number | null> } {
    const old = this.db.prepare('SELECT seq, key, outcome, final, key_order FROM lines WHERE run_id = ? ORDER BY seq').all(runId) as Array<{
      seq: number;
      key: string;
      outcome: Outcome;
      final: number;
      key_order: number;
    }>;
    const fresh = freshRows.map((r) => ({ seq: r[0], key: r[3], outcome: r[9] }));
    const seqOf = new Map<EpisodeRecord, number>();
    const stand: EpisodeRecord[] = [];
    for (const r of [...old, ...fresh]) {
      const rec = { key: r.key, outcome: r.outcome } as EpisodeRecord;
      seqOf.set(rec, r.seq);
      stand.push(rec);
    }
    const order = new Map<number, number>();
    [...finalRecords(stand).values()].forEach((rec, i) => order.set(seqOf.get(rec)!, i));
    const changedOld = new Map<number, number | null>();
    for (const r of old) {
      const now = order.get(r.seq);
      if (now === undefined ? r.final === 1 : r.final !== 1 || r.key_order !== now) changedOld.set(r.seq, now ?? null);
    }
    const out = new Map<number, number>() as Map<number, number> & { changedOld: Map<number, number | null> };
    for (const r of fresh) {
      const o = order.get(r.seq);
      if (o !== undefined) out.set(r.seq, o);
    }
    out.changedOld = changedOld;
    return out;
  }

  /** The final record of every key, in the order the runs store's finalRecords gives them. */
  finals(runId: string): EpisodeRow[] {
    return this.rows(this.db.prepare(`SELECT ${COLUMNS} FROM lines WHERE run_id = ? AND final = 1 ORDER BY key_order`), runId);
  }

  /** A filtered page of final records, and how many match in all. */
  page(runId: string, q: EpisodeQuery): { total: number; rows: EpisodeRow[] } {
    const where = ['run_id = @runId', 'final = 1'];
    const params: Record<string, unknown> = { runId, limit: q.limit, offset: q.offset };
    if (q.outcome) {
      where.push('outcome = @outcome');
      params.outcome = q.outcome;
    }
    if (q.domain !== undefined) {
      where.push(q.domain === '(none)' ? 'domain IS NULL' : 'domain = @domain');
      params.domain = q.domain;
    }
    if (q.q) {
      where.push("search LIKE @q ESCAPE '\\'");
      params.q = `%${q.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
    const clause = where.join(' AND ');
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM lines WHERE ${clause}`).get(params) as { n: number }).n;
    const rows = this.rows(this.db.prepare(`SELECT ${COLUMNS} FROM lines WHERE ${clause} ORDER BY task_index, epoch LIMIT @limit OFFSET @offset`), params);
    return { total, rows };
  }

  /** The final record of one key, or null. */
  finalOf(runId: string, key: string): EpisodeRow | null {
    return this.rows(this.db.prepare(`SELECT ${COLUMNS} FROM lines WHERE run_id = ? AND key = ? AND final = 1`), runId, key)[0] ?? null;
  }

  /** Every attempt recorded for a key (errors that were retried, then the one that counts). */
  attempts(runId: string, key: string): EpisodeRow[] {
    return this.rows(this.db.prepare(`SELECT ${COLUMNS} FROM lines WHERE run_id = ? AND key = ? ORDER BY seq`), runId, key);
  }

  /** Rows as arrays, then objects of one fixed shape: several times faster than sqlite's own objects at 100k rows. */
  private rows(stmt: Database.Statement, ...params: unknown[]): EpisodeRow[] {
    return (stmt.raw().all(...params) as unknown[][]).map((a) => ({
      seq: a[0] as number,
      offset: a[1] as number,
      length: a[2] as number,
      key: a[3] as string,
      task_index: a[4] as number,
      task_id: a[5] as string,
      epoch: a[6] as number,
      attempt: a[7] as number,
      domain: a[8] as string | null,
      outcome: a[9] as Outcome,
      reward: a[10] as number | null,
      end_reason: a[11] as string,
      detail: a[12] as string | null,
      turns: a[13] as number,
      tool_calls: a[14] as number,
      duration_ms: a[15] as number,
      started_at: a[16] as string,
      agent_in: a[17] as number,
      agent_out: a[18] as number,
      agent_calls: a[19] as number,
      agent_cost: a[20] as number | null,
      judge_in: a[21] as number,
      judge_out: a[22] as number,
      judge_calls: a[23] as number,
      judge_cost: a[24] as number | null,
    }));
  }

  domains(runId: string): string[] {
    return (this.db.prepare("SELECT DISTINCT COALESCE(domain, '(none)') AS d FROM lines WHERE run_id = ? AND final = 1 ORDER BY d").all(runId) as Array<{ d: string }>).map((r) => r.d);
  }

  scannedBytes(runId: string): number {
    return (this.db.prepare('SELECT bytes FROM scans WHERE run_id = ?').get(runId) as { bytes: number } | undefined)?.bytes ?? 0;
  }
}

/** Reads one whole record back from the JSONL by its byte range. */
export function readRecordAt(store: RunStore, offset: number, length: number): EpisodeRecord {
  const fd = openSync(store.episodesPath, 'r');
  try {
    const buf = Buffer.allocUnsafe(length);
    const n = readSync(fd, buf, 0, length, offset);
    return JSON.parse(buf.subarray(0, n).toString('utf8')) as EpisodeRecord;
  } finally {
    closeSync(fd);
  }
}

/** The light record the statistics functions take (they read no task or transcript). */
export function asRecord(runId: string, split: string, r: EpisodeRow): EpisodeRecord {
  return {
    type: 'episode',
    key: r.key,
    run_id: runId,
    task_index: r.task_index,
    task_id: r.task_id,
    epoch: r.epoch,
    attempt: r.attempt,
    split,
    domain: r.domain,
    outcome: r.outcome,
    reward: r.reward,
    end_reason: r.end_reason as EpisodeRecord['end_reason'],
    detail: r.detail,
    task: {},
    turns: r.turns,
    tool_calls: r.tool_calls,
    invalid_calls: 0,
    model_calls: r.agent_calls,
    usage: {
      agent: { inputTokens: r.agent_in, outputTokens: r.agent_out, calls: r.agent_calls, cost: r.agent_cost },
      judge: { inputTokens: r.judge_in, outputTokens: r.judge_out, calls: r.judge_calls, cost: r.judge_cost },
    },
    started_at: r.started_at,
    ended_at: r.started_at,
    duration_ms: r.duration_ms,
    final_metadata: null,
    transcript: [],
  };
}

/** One index row as the insert binds it: seq, offset, length, then the record's small fields. */
type Row = [seq: number, offset: number, length: number, ...fields: EpisodeFields];

function parseLine(bytes: Buffer, offset: number, length: number, seq: number): Row | null {
  if (length === 0) return null;
  let rec: EpisodeRecord;
  try {
    rec = JSON.parse(bytes.toString('utf8')) as EpisodeRecord;
  } catch {
    return null; // a torn line from a crash: the store's readers skip it too
  }
  if (rec?.type !== 'episode') return null;
  return [seq, offset, length, ...episodeFields(rec)];
}

/**
 * The sidecar entries from byte `from` on, up to the first one reaching past `jsonlSize` (written
 * after the JSONL was measured) or a last line still being written; `upTo` is where the next
 * scan resumes. A missing sidecar, or one of another format, gives no entries.
 */
function readSidecar(path: string, from: number, jsonlSize: number): { entries: SidecarEntry[]; upTo: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return { entries: [], upTo: 0 };
  }
  try {
    const size = fstatSync(fd).size;
    if (from > size) from = 0; // replaced by a shorter file
    const header = Buffer.from(SIDECAR_HEADER + '\n');
    if (from === 0) {
      const head = Buffer.alloc(header.length);
      if (readSync(fd, head, 0, head.length, 0) !== head.length || !head.equals(header)) return { entries: [], upTo: 0 };
      from = header.length;
    }
    const buf = Buffer.allocUnsafe(size - from);
    const n = readSync(fd, buf, 0, buf.length, from);
    const entries: SidecarEntry[] = [];
    let upTo = from;
    for (let at = 0, nl = buf.indexOf(0x0a); nl !== -1 && nl < n; at = nl + 1, nl = buf.indexOf(0x0a, at)) {
      const e = parseSidecarLine(buf.toString('utf8', at, nl));
      if (e && e.offset + e.length + 1 > jsonlSize) break;
      if (e) entries.push(e);
      upTo = from + nl + 1;
    }
    return { entries, upTo };
  } finally {
    closeSync(fd);
  }
}
