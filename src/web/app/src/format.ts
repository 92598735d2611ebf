// Display formats. The browser tests format the statistics module's numbers with these same
// rules (they are restated there), so what a page shows can be checked digit for digit.

/** 0.65 → "65.0%"; null → "—" */
export function pct(x: number | null | undefined): string {
  return x === null || x === undefined || Number.isNaN(x) ? '—' : `${(x * 100).toFixed(1)}%`;
}

/** [0.43, 0.82] → "43.3–81.9%" */
export function interval(lo: number | null | undefined, hi: number | null | undefined): string {
  if (lo === null || lo === undefined || hi === null || hi === undefined) return '—';
  return `${(lo * 100).toFixed(1)}–${(hi * 100).toFixed(1)}%`;
}

/** A difference of proportions in percentage points, signed: "+12.5 pp". */
export function pp(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  const v = x * 100;
  return `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(1)} pp`;
}

/** p-values: three decimals, or scientific below 0.001. */
export function pValue(p: number): string {
  return p >= 0.001 ? p.toFixed(3) : p.toExponential(2);
}

export function int(n: number): string {
  return n.toLocaleString('en-US');
}

export function usd(x: number | null): string {
  if (x === null) return 'unpriced';
  return x < 0.01 && x > 0 ? `$${x.toFixed(4)}` : `$${x.toFixed(2)}`;
}

export function ms(n: number): string {
  if (n < 1000) return `${Math.round(n)} ms`;
  if (n < 60_000) return `${(n / 1000).toFixed(1)} s`;
  return `${(n / 60_000).toFixed(1)} min`;
}

export function date(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

export function json(v: unknown): string {
  return JSON.stringify(v, null, 2);
}

/**
 * Tool-call input for reading: a string argument that is itself a JSON object or array (a
 * case-study `response`) is shown as that JSON, not as one escaped line of \" quotes.
 */
export function readableInput(input: unknown): string {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return typeof input === 'string' ? input : json(input);
  const shown: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    shown[k] = v;
    if (typeof v === 'string' && /^\s*[{[]/.test(v)) {
      try {
        shown[k] = JSON.parse(v);
      } catch {
        /* not JSON after all: shown as the string it is */
      }
    }
  }
  return json(shown);
}

/** Accuracy as a heat colour (red → amber → green); grey when there is nothing graded. */
export function heat(x: number | null): string {
  if (x === null) return '#eee';
  const hue = Math.round(120 * x);
  return `hsl(${hue} 65% 82%)`;
}
