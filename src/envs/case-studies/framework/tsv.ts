// Tab-separated tables: write with deterministic number formatting, parse back strictly.
// Numbers are written with String(x) (shortest round-trip, Python-repr look); NA (null,
// undefined, NaN) is an empty field. Lines end in '\n', with a trailing newline.

export type Cell = string | number | boolean | null | undefined;

export interface Table {
  header: string[];
  rows: string[][];
}

function formatCell(v: Cell, where: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    return Object.is(v, -0) ? '0' : String(v);
  }
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (/[\t\n\r]/.test(v)) throw new Error(`TSV cell ${where} contains a tab or newline: ${JSON.stringify(v)}`);
  return v;
}

/** Row-oriented writer. */
export function writeTsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const lines = [header.map((h, j) => formatCell(h, `header[${j}]`)).join('\t')];
  rows.forEach((row, i) => {
    if (row.length !== header.length) throw new Error(`TSV row ${i} has ${row.length} cells, header has ${header.length}`);
    lines.push(row.map((c, j) => formatCell(c, `(${i}, ${header[j]})`)).join('\t'));
  });
  return lines.join('\n') + '\n';
}

/** Column-oriented writer: `{col: values[]}` in insertion order; all columns the same length. */
export function writeTsvColumns(columns: Record<string, ArrayLike<Cell>>): string {
  const header = Object.keys(columns);
  if (header.length === 0) throw new Error('TSV needs at least one column');
  const n = columns[header[0]].length;
  for (const h of header) if (columns[h].length !== n) throw new Error(`TSV column ${h} has ${columns[h].length} values, expected ${n}`);
  const rows: Cell[][] = [];
  for (let i = 0; i < n; i++) rows.push(header.map((h) => columns[h][i]));
  return writeTsv(header, rows);
}

/** Strict parser: every row must have as many fields as the header. Accepts '\r\n'. */
export function parseTsv(text: string): Table {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new Error('TSV is empty (no header)');
  const strip = (l: string) => (l.endsWith('\r') ? l.slice(0, -1) : l);
  const header = strip(lines[0]).split('\t');
  const rows: string[][] = [];
  for (let i = 1; i < lines.length; i++) {
    const fields = strip(lines[i]).split('\t');
    if (fields.length !== header.length) throw new Error(`TSV line ${i + 1} has ${fields.length} fields, header has ${header.length}`);
    rows.push(fields);
  }
  return { header, rows };
}

function columnIndex(table: Table, name: string): number {
  const j = table.header.indexOf(name);
  if (j < 0) throw new Error(`TSV has no column ${name} (columns: ${table.header.join(', ')})`);
  return j;
}

/** A column as strings. */
export function stringColumn(table: Table, name: string): string[] {
  const j = columnIndex(table, name);
  return table.rows.map((r) => r[j]);
}

/** A column as numbers; empty/NA/nan fields become NaN, anything else unparseable throws. */
export function numberColumn(table: Table, name: string): Float64Array {
  const j = columnIndex(table, name);
  const out = new Float64Array(table.rows.length);
  table.rows.forEach((r, i) => {
    const s = r[j].trim();
    if (s === '' || s === 'NA' || s.toLowerCase() === 'nan') out[i] = NaN;
    else if (s === 'inf' || s === 'Inf') out[i] = Infinity;
    else if (s === '-inf' || s === '-Inf') out[i] = -Infinity;
    else {
      const v = Number(s);
      if (Number.isNaN(v)) throw new Error(`TSV column ${name}, row ${i + 1}: not a number: ${JSON.stringify(s)}`);
      out[i] = v;
    }
  });
  return out;
}

/** Rows as objects (small tables, tests). */
export function tableRecords(table: Table): Record<string, string>[] {
  return table.rows.map((r) => Object.fromEntries(table.header.map((h, j) => [h, r[j]])));
}
