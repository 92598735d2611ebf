import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readSse, SseParser, type SseEvent } from '../../src/ors/client/sse.js';

function parseAll(chunks: string[]): SseEvent[] {
  const p = new SseParser();
  return chunks.flatMap((c) => p.push(c));
}

test('strips exactly one space after data: and keeps the rest', () => {
  const evs = parseAll(['event: chunk\ndata:   three spaces\n\nevent: end\ndata:no space\n\n']);
  assert.deepEqual(evs, [
    { event: 'chunk', data: '  three spaces' },
    { event: 'end', data: 'no space' },
  ]);
});

test('a data value of only spaces survives (the reference client loses it)', () => {
  const spaces = ' '.repeat(4096);
  const [ev] = parseAll([`event: chunk\r\ndata: ${spaces}\r\n\r\n`]);
  assert.equal(ev.data, spaces);
});

test('CRLF, LF and CR line ends all work, also when a CRLF is split between chunks', () => {
  const crlf = parseAll(['event: a\r\ndata: 1\r\n\r\n']);
  const lf = parseAll(['event: a\ndata: 1\n\n']);
  const cr = parseAll(['event: a\rdata: 1\r\r']);
  const split = parseAll(['event: a\r', '\ndata: 1\r', '\n\r', '\n']);
  for (const evs of [crlf, lf, cr, split]) assert.deepEqual(evs, [{ event: 'a', data: '1' }]);
});

test('a CR at the end of a chunk followed by a new line of text is one line end, not two', () => {
  const evs = parseAll(['event: a\r', 'data: x\r', '\r']);
  assert.deepEqual(evs, [{ event: 'a', data: 'x' }]);
});

test('comments are ignored; several data lines join with a newline', () => {
  const evs = parseAll([': ping - 2026-01-01 00:00:00\r\n', 'event: chunk\r\ndata: line1\r\n: mid comment\r\ndata:line2\r\ndata: \r\n\r\n']);
  assert.deepEqual(evs, [{ event: 'chunk', data: 'line1\nline2\n' }]);
});

test('an event without a name is a "message"; a line without a colon is a field with empty value', () => {
  const evs = parseAll(['data: hi\n\n', 'event: end\ndata\n\n']);
  assert.deepEqual(evs, [
    { event: 'message', data: 'hi' },
    { event: 'end', data: '' },
  ]);
});

test('colons after the first belong to the value; id and retry fields are handled', () => {
  const evs = parseAll(['id: 7\nretry: 100\nevent: task_id\ndata: a:b: c\n\n']);
  assert.deepEqual(evs, [{ event: 'task_id', data: 'a:b: c', id: '7' }]);
});

test('a blank line with nothing pending dispatches nothing; an unterminated event is not emitted', () => {
  const p = new SseParser();
  assert.deepEqual(p.push('\n\n\r\n'), []);
  assert.deepEqual(p.push('event: end\ndata: partial'), []);
  assert.equal(p.remainder, 'data: partial');
});

test('one long line fed one character at a time', () => {
  const text = 'event: chunk\ndata: ' + 'x'.repeat(5000) + '\n\n';
  const evs = parseAll([...text]);
  assert.equal(evs.length, 1);
  assert.equal(evs[0].data.length, 5000);
});

test('readSse decodes UTF-8 split inside a multi-byte character and reports activity', async () => {
  const bytes = Buffer.from('event: chunk\ndata: 🧬é\n\n: ping\n', 'utf8');
  const pieces = [...bytes].map((b) => Uint8Array.of(b));
  let activity = 0;
  async function* source() {
    yield* pieces;
  }
  const evs: SseEvent[] = [];
  for await (const ev of readSse(source(), () => activity++)) evs.push(ev);
  assert.deepEqual(evs, [{ event: 'chunk', data: '🧬é' }]);
  assert.equal(activity, pieces.length);
});
