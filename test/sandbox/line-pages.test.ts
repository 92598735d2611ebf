// line-pages: pages of lines from a file descriptor, streamed, with gzip inflated up to a cap.

import assert from 'node:assert/strict';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { CorruptGzipError, type PageOptions, readLinePage } from '../../src/sandbox/line-pages.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'genegym-pages-'));
});
after(() => rm(dir, { recursive: true, force: true }));

let n = 0;
async function page(data: Uint8Array | string, opts: Partial<PageOptions> = {}) {
  const file = join(dir, `f${n++}`);
  await writeFile(file, data);
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    return await readLinePage(fh, { offset: 0, limit: 200, fileBytes: size, maxInflatedBytes: 16 << 20, ...opts });
  } finally {
    await fh.close();
  }
}

/** What read_file showed before streaming: split the whole text, drop one trailing empty line. */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

test('pages and counts exactly like splitting the whole text, plain and gzip, across chunk borders', async () => {
  const texts = ['', '\n', 'a', 'a\n', 'a\n\n', '\n\nb', 'x\r\ny\r\n', 'é€😀\nß\n', Array.from({ length: 30_000 }, (_, i) => `row ${i}\t${'é'.repeat(i % 7)}`).join('\n')];
  for (const text of texts) {
    const lines = splitLines(text);
    for (const [offset, limit] of [[0, 200], [1, 2], [lines.length - 1, 5], [lines.length + 3, 2], [12_345, 1000]] as const) {
      if (offset < 0) continue;
      for (const data of [text, gzipSync(text)]) {
        const p = await page(data, { offset, limit });
        const what = `${JSON.stringify(text.slice(0, 20))} offset ${offset} ${typeof data === 'string' ? 'plain' : 'gzip'}`;
        assert.equal(p.linesCounted, lines.length, what);
        assert.deepEqual(p.lines, lines.slice(offset, offset + limit), what);
        assert.equal(p.end, offset + p.lines.length);
        assert.equal(p.capped, false);
        assert.equal(p.gzip, typeof data !== 'string');
      }
    }
  }
});

test('concatenated gzip members are read as one file (like gzip -d)', async () => {
  const p = await page(Buffer.concat([gzipSync('a\nb\n'), gzipSync('c\n')]));
  assert.deepEqual(p.lines, ['a', 'b', 'c']);
});

test('long lines keep a prefix and say how long they were; the page has a size cap', async () => {
  const p = await page(`${'x'.repeat(100_000)}\nshort\n`, { maxLineChars: 50 });
  assert.equal(p.lines[0], `${'x'.repeat(50)}… [line truncated, 100000 bytes]`);
  assert.equal(p.lines[1], 'short');
  const q = await page(Array.from({ length: 500 }, () => 'y'.repeat(100)).join('\n'), { maxPageChars: 1000, limit: 500 });
  assert.equal(q.pageFull, true);
  assert.equal(q.lines.length, 10);
  assert.equal(q.end, 10);
  assert.equal(q.linesCounted, 500);
});

test('binary files are detected; corrupt gzip is a CorruptGzipError', async () => {
  assert.equal((await page(new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0, 1, 2]))).binary, true);
  assert.equal((await page(gzipSync(new Uint8Array([1, 0, 2])))).binary, true);
  const gz = gzipSync('hello\nworld\n'.repeat(1000));
  await assert.rejects(page(gz.subarray(0, gz.length >> 1)), CorruptGzipError);
  const bad = Buffer.from(gz);
  bad[20] ^= 0xff;
  await assert.rejects(page(bad), CorruptGzipError);
});

test('a gzip bomb stops at the inflate cap with bounded memory', async () => {
  // 200 members of 1 MiB of newlines each: 200 M newlines in about 200 KB.
  const member = gzipSync(Buffer.alloc(1 << 20, 0x0a), { level: 9 });
  const bomb = Buffer.concat(Array.from({ length: 200 }, () => member));
  assert.ok(bomb.length < 1_000_000);
  const before = process.memoryUsage();
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss - before.rss)), 5);
  const p = await page(bomb, { offset: 5, limit: 3, maxInflatedBytes: 16 << 20 });
  clearInterval(sampler);
  assert.equal(p.capped, true);
  assert.equal(p.linesCounted, 16 << 20);
  assert.deepEqual(p.lines, ['', '', '']);
  console.log(`bomb: rss grew ${(peak / 2 ** 20).toFixed(1)} MiB`);
  assert.ok(peak < 64 << 20, `rss grew ${(peak / 2 ** 20).toFixed(1)} MiB while reading the bomb`);
  // a page past the cap is empty, and still says capped
  const far = await page(bomb, { offset: 20 << 20, limit: 3 });
  assert.equal(far.capped, true);
  assert.deepEqual(far.lines, []);
});

test('reads no more than fileBytes (a file growing meanwhile is not followed)', async () => {
  const p = await page('a\nb\nc\nd\n', { fileBytes: 4 });
  assert.deepEqual(p.lines, ['a', 'b']);
  assert.equal(p.linesCounted, 2);
});
