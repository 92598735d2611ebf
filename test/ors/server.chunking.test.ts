// Unit tests of the /call payload chunker: at most 4096 code points per piece, no split
// surrogate pairs, no piece starting with whitespace, and an exact round trip.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkPayload, isPythonSpace, MAX_PIECE } from '../../src/ors/server/chunking.js';
import { isWellFormed, pythonLstrip } from './server-fixture.js';

const codePoints = (s: string) => [...s].length;

function checkPieces(value: unknown, max: number): string[] {
  const payload = JSON.stringify(value);
  const pieces = chunkPayload(payload, max);
  for (const [i, p] of pieces.entries()) {
    assert.ok(codePoints(p) <= max, `piece ${i} has ${codePoints(p)} code points`);
    assert.ok(p.length > 0, `piece ${i} is empty`);
    assert.ok(isWellFormed(p), `piece ${i} splits a surrogate pair`);
    assert.ok(!isPythonSpace(p.codePointAt(0)!), `piece ${i} starts with whitespace`);
    assert.equal(pythonLstrip(p), p, `piece ${i} would lose characters in the Python client`);
  }
  assert.deepEqual(JSON.parse(pieces.join('')), value);
  return pieces;
}

test('short payloads are one piece, untouched', () => {
  const payload = JSON.stringify({ ok: true, text: ' x '.repeat(100) });
  assert.deepEqual(chunkPayload(payload), [payload]);
});

test('a long text of spaces survives (the reference client lost 4944 of 9000)', () => {
  const pieces = checkPieces({ ok: true, output: { text: ' '.repeat(9000) } }, MAX_PIECE);
  assert.ok(pieces.length >= 3);
});

test('"a b" repeated: cuts move back onto non-whitespace', () => {
  const value = { text: 'a b'.repeat(3000) };
  const pieces = checkPieces(value, MAX_PIECE);
  // Moving the cut needs no escapes: the joined text is the JSON itself.
  assert.equal(pieces.join(''), JSON.stringify(value));
});

test('astral characters are never split, whatever the alignment', () => {
  for (let pad = 0; pad < 4; pad++) {
    checkPieces({ t: 'x'.repeat(pad) + '😀🧬'.repeat(5000) }, MAX_PIECE);
  }
});

test('fuzz: mixed whitespace, astral, escapes and ASCII at small piece sizes', () => {
  const alphabet = [' ', ' ', '\u3000', '\u00a0', '\u2028', '\n', '\t', 'a', 'b', '"', '\\', '😀', '𝔸', 'é', '\u0085', '\u2009'];
  let seed = 12345;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  for (let round = 0; round < 300; round++) {
    const len = rand(400);
    let s = '';
    for (let i = 0; i < len; i++) {
      const c = alphabet[rand(alphabet.length)];
      s += rand(5) === 0 ? c.repeat(rand(60)) : c;
    }
    checkPieces({ ok: true, s, n: round }, 16 + rand(48));
  }
});
