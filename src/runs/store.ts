// A run on disk: run.json (the configuration, written once), episodes.jsonl (append-only:
// a "started" line before each attempt, an episode record after it) and run.lock (the pid
// of the process running it). A crash can at worst leave a torn last line, which readers
// skip and the next writer seals off with a newline. Beside it, episodes.idx.jsonl (see
// episode-index.ts): each line's byte range and small fields, appended only after the line
// itself was written whole, so the viewer can list a large run without parsing it.

import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SIDECAR_FILE, SIDECAR_HEADER, sidecarEntry } from './episode-index.js';
import { forEachLine } from './lines.js';
import type { EpisodeRecord, RunConfig, RunLine, StartedLine } from './types.js';

/** Where runs live: $GENEGYM_LOG_DIR (set by --log-dir), else <home>/runs. */
export function runsDir(home: string): string {
  const dir = process.env.GENEGYM_LOG_DIR;
  return dir && dir.trim() !== '' ? dir : join(home, 'runs');
}

export function validRunId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(id);
}

export interface ReadResult {
  started: StartedLine[];
  records: EpisodeRecord[];
  /** lines that could not be parsed (a torn write from a crash) */
  torn: number;
}

export class RunStore {
  private fd: number | null = null;
  /** byte size of episodes.jsonl as this writer left it: the offset of the next line */
  private size = 0;
  /** the sidecar's descriptor; null until the first append, -1 once a sidecar write failed */
  private sideFd: number | null = null;

  private constructor(
    readonly dir: string,
    readonly config: RunConfig,
  ) {}

  get id(): string {
    return this.config.run_id;
  }
  get episodesPath(): string {
    return join(this.dir, 'episodes.jsonl');
  }
  get sidecarPath(): string {
    return join(this.dir, SIDECAR_FILE);
  }

  static create(home: string, config: RunConfig): RunStore {
    if (!validRunId(config.run_id)) throw new Error(`bad run id "${config.run_id}": use letters, digits, . _ -`);
    const dir = join(runsDir(home), config.run_id);
    mkdirSync(runsDir(home), { recursive: true });
    try {
      mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`run ${config.run_id} already exists (use \`genegym runs resume ${config.run_id}\`)`);
      throw err;
    }
    const tmp = join(dir, 'run.json.tmp');
    writeFileSync(tmp, JSON.stringify(config, null, 2) + '\n');
    renameSync(tmp, join(dir, 'run.json'));
    writeFileSync(join(dir, 'episodes.jsonl'), '');
    return new RunStore(dir, config);
  }

  static open(home: string, runId: string): RunStore {
    if (!validRunId(runId)) throw new Error(`bad run id "${runId}"`);
    const dir = join(runsDir(home), runId);
    let config: RunConfig;
    try {
      config = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunConfig;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`no run named ${runId} in ${runsDir(home)}`);
      throw new Error(`run ${runId}: unreadable run.json: ${(err as Error).message}`);
    }
    return new RunStore(dir, config);
  }

  static list(home: string): string[] {
    const root = runsDir(home);
    if (!existsSync(root)) return [];
    return readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'run.json')))
      .map((d) => d.name)
      .sort();
  }

  /** Takes the run's lock; a lock held by a dead process (kill -9) is taken over. */
  lock(): void {
    const path = join(this.dir, 'run.lock');
    for (let i = 0; i < 2; i++) {
      try {
        writeFileSync(path, String(process.pid), { flag: 'wx' });
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const pid = Number(readFileSync(path, 'utf8').trim());
        if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
          throw new Error(`run ${this.id} is being run by process ${pid}`);
        }
        rmSync(path, { force: true });
      }
    }
    throw new Error(`could not lock run ${this.id}`);
  }

  /** Pid of a live process holding the run's lock, or null. */
  lockHolder(): number | null {
    try {
      const pid = Number(readFileSync(join(this.dir, 'run.lock'), 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
    } catch {
      return null;
    }
  }

  unlock(): void {
    const path = join(this.dir, 'run.lock');
    try {
      if (Number(readFileSync(path, 'utf8').trim()) === process.pid) rmSync(path, { force: true });
    } catch {
      /* already gone */
    }
  }

  private openForAppend(): number {
    if (this.fd !== null) return this.fd;
    const fd = openSync(this.episodesPath, 'a+');
    this.size = sealLastLine(fd);
    this.fd = fd;
    try {
      const side = openSync(this.sidecarPath, 'a+');
      this.sideFd = side;
      if (sealLastLine(side) === 0) writeSync(side, SIDECAR_HEADER + '\n');
    } catch {
      this.sideFd = -1; // derived data: the run goes on without it, readers parse the JSONL
    }
    return fd;
  }

  /** One write(2) per line on an O_APPEND descriptor: a line is never interleaved. */
  append(line: RunLine): void {
    const fd = this.openForAppend();
    const json = JSON.stringify(line);
    const bytes = Buffer.from(json + '\n');
    const offset = this.size;
    let n: number;
    try {
      n = writeSync(fd, bytes);
    } catch (err) {
      this.size = fstatSync(fd).size; // part of the line may have landed
      throw err;
    }
    this.size += n;
    // Only a line written whole gets a sidecar entry, so every entry points at a complete line.
    if (n === bytes.length) this.appendSidecar(offset, n - 1, line);
  }

  private appendSidecar(offset: number, length: number, line: RunLine): void {
    if (this.sideFd === null || this.sideFd < 0) return;
    try {
      writeSync(this.sideFd, sidecarEntry(offset, length, line) + '\n');
    } catch {
      // A full disk must not fail a run whose record is already safe; later lines go unindexed.
      closeSync(this.sideFd);
      this.sideFd = -1;
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    if (this.sideFd !== null && this.sideFd >= 0) closeSync(this.sideFd);
    this.fd = null;
    this.sideFd = null;
  }

  read(): ReadResult {
    const out: ReadResult = { started: [], records: [], torn: 0 };
    let text: string;
    try {
      text = readFileSync(this.episodesPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
      throw err;
    }
    for (const line of text.split('\n')) {
      if (line.length === 0) continue;
      let parsed: RunLine;
      try {
        parsed = JSON.parse(line) as RunLine;
      } catch {
        out.torn++;
        continue;
      }
      if (parsed.type === 'started') out.started.push(parsed);
      else if (parsed.type === 'episode') out.records.push(parsed);
    }
    return out;
  }

  /**
   * Writes the sidecar afresh from the JSONL (for a run written without one, or whose sidecar
   * was lost): one entry per whole line that parses, none for torn lines, which readers then
   * parse and skip as before. Takes the run's lock, so no writer appends meanwhile.
   */
  rebuildSidecar(): { lines: number; episodes: number; torn: number } {
    this.lock();
    const tmp = `${this.sidecarPath}.${process.pid}.tmp`;
    const counts = { lines: 0, episodes: 0, torn: 0 };
    try {
      const fd = openSync(tmp, 'w');
      try {
        let pending: string[] = [SIDECAR_HEADER];
        let pendingChars = 0;
        const drain = () => {
          if (pending.length === 0) return;
          writeSync(fd, pending.join('\n') + '\n');
          pending = [];
          pendingChars = 0;
        };
        forEachLine(this.episodesPath, 0, this.episodesSize(), (buf, start, end, offset) => {
          if (end === start) return;
          counts.lines++;
          let line: RunLine;
          try {
            line = JSON.parse(buf.toString('utf8', start, end)) as RunLine;
          } catch {
            counts.torn++;
            return;
          }
          if (line.type === 'episode') counts.episodes++;
          const entry = sidecarEntry(offset, end - start, line);
          pending.push(entry);
          pendingChars += entry.length;
          if (pendingChars > 1 << 20) drain();
        });
        drain();
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.sidecarPath);
    } finally {
      rmSync(tmp, { force: true });
      this.unlock();
    }
    return counts;
  }

  episodesSize(): number {
    try {
      return statSync(this.episodesPath).size;
    } catch {
      return 0;
    }
  }
}

/**
 * The record that counts for each (task, epoch) key: the first one that did not end in
 * error, else the latest error. So a completed episode is never replaced, and an errored one
 * is superseded by its retry.
 */
export function finalRecords(records: EpisodeRecord[]): Map<string, EpisodeRecord> {
  const out = new Map<string, EpisodeRecord>();
  for (const r of records) {
    const prev = out.get(r.key);
    if (!prev || prev.outcome === 'error') out.set(r.key, r);
  }
  return out;
}

/** Ends a torn last line (a crash mid-write) with a newline; returns the file's size after. */
function sealLastLine(fd: number): number {
  const size = fstatSync(fd).size;
  if (size === 0) return 0;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  if (last[0] === 0x0a) return size;
  return size + writeSync(fd, '\n');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
