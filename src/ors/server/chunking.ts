// Cuts the compact JSON of a RunToolOutput into SSE pieces of at most 4096 characters
// (code points, as the reference counts Python string characters). Two extra rules keep
// every client intact:
// - a surrogate pair is never split (we count and cut by code point);
// - no piece starts with whitespace, because the reference Python client strips ALL leading
//   whitespace from `data:` values. We first move the cut back to a non-whitespace
//   character; inside a long whitespace run we instead write the character that would start
//   the piece as a JSON `\uXXXX` escape. Compact JSON has whitespace only inside string
//   literals, where the escape decodes to the same character, so the parsed value is exact.

export const MAX_PIECE = 4096;
/** How far back a cut may move to land on a non-whitespace character. */
const MAX_BACKTRACK = 64;

/** Python's str.isspace() set (what the reference client strips), minus the ASCII controls JSON always escapes. */
export function isPythonSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d) || (code >= 0x1c && code <= 0x1f);
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

function escapeUnit(code: number): string {
  return '\\u' + code.toString(16).padStart(4, '0');
}

/**
 * Splits `payload` (compact JSON) into pieces. Joining the pieces and parsing them gives the
 * same value as parsing `payload`; each piece has at most `max` code points.
 */
export function chunkPayload(payload: string, max: number = MAX_PIECE): string[] {
  // A piece of `max` UTF-16 units has at most `max` code points.
  if (payload.length <= max) return [payload];
  if (max < 16) throw new Error('chunk size must be at least 16 characters');
  const pieces: string[] = [];
  let pos = 0; // index of the next unit to place
  let prefix = ''; // an escape that replaces payload[pos] at the start of the next piece
  while (pos < payload.length) {
    // Walk forward `budget` code points from pos (the prefix uses part of the budget).
    const budget = max - prefix.length;
    const starts: number[] = []; // unit index where each code point of this piece begins
    let i = prefix === '' ? pos : pos + 1;
    let count = 0;
    while (i < payload.length && count < budget) {
      starts.push(i);
      i += isHigh(payload.charCodeAt(i)) && isLow(payload.charCodeAt(i + 1)) ? 2 : 1;
      count++;
    }
    let cut = i;
    let nextPrefix = '';
    if (cut < payload.length && isPythonSpace(payload.charCodeAt(cut))) {
      // Move the cut back onto a non-whitespace character...
      let k = starts.length - 1;
      const floor = Math.max(1, starts.length - MAX_BACKTRACK);
      while (k >= floor && isPythonSpace(payload.charCodeAt(starts[k]))) k--;
      if (k >= floor) {
        cut = starts[k];
      } else {
        // ...or, inside a long whitespace run, escape the character that starts the next piece.
        nextPrefix = escapeUnit(payload.charCodeAt(cut));
      }
    }
    const bodyStart = prefix === '' ? pos : pos + 1;
    pieces.push(prefix + payload.slice(bodyStart, cut));
    pos = cut;
    prefix = nextPrefix;
  }
  return pieces;
}
