// Whole lines of a large append-only file, read in fixed-size chunks: the readers of
// episodes.jsonl walk hundreds of megabytes without holding the file in memory.

import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK = 8 * 1024 * 1024;

/**
 * Calls `onLine(buf, start, end, offset)` for every whole line of the file from byte `from` up to
 * byte `to`: the line is `buf[start, end)` without its newline, `offset` its position in the
 * file. A last line with no newline yet is not whole and is left out; `onLine` returning false
 * stops the walk before that line. Returns the byte offset just after the last line walked.
 * `buf` is reused: copy out of it what must outlive the call.
 */
export function forEachLine(
  path: string,
  from: number,
  to: number,
  onLine: (buf: Buffer, start: number, end: number, offset: number) => boolean | void,
  chunkBytes = CHUNK,
): number {
  if (to <= from) return from;
  let covered = from;
  const fd = openSync(path, 'r');
  try {
    let pos = from;
    // The unfinished tail of one read moves to the front of the buffer and the next read lands
    // after it; a line longer than the buffer doubles it.
    let buf = Buffer.allocUnsafe(Math.max(1, Math.min(chunkBytes, to - from)));
    let have = 0;
    let base = from; // file offset of buf[0]
    while (pos < to) {
      if (have === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, have);
        buf = bigger;
      }
      const n = readSync(fd, buf, have, Math.min(buf.length - have, to - pos), pos);
      if (n <= 0) break;
      pos += n;
      const end = have + n;
      let lineStart = 0;
      for (let nl = buf.indexOf(0x0a); nl !== -1 && nl < end; nl = buf.indexOf(0x0a, lineStart)) {
        if (onLine(buf, lineStart, nl, base + lineStart) === false) return covered;
        lineStart = nl + 1;
        covered = base + lineStart;
      }
      buf.copy(buf, 0, lineStart, end);
      have = end - lineStart;
      base += lineStart;
    }
  } finally {
    closeSync(fd);
  }
  return covered;
}
