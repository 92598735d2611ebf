// Reads the five case-4 files into typed arrays. Parsed once per instance (the reference and every
// naive analysis read the same bytes), keyed on the observation file's bytes.

import { readText } from '../framework/gzip.js';
import { readTable, requireFile } from '../framework/files.js';
import type { Table } from '../framework/tsv.js';

type Files = ReadonlyMap<string, Uint8Array>;

export interface TargetInfo {
  id: string;
  type: string;
  founder: string;
  paralogSpecific: boolean;
  classification: string;
}

export interface CarrierData {
  targets: TargetInfo[];
  cohort: { id: string[]; collection: string[]; ancestry: string[]; tier: Int8Array };
  partners: { ancestry: string[]; tier: Int8Array; tested: Uint8Array; sampleId: string[] };
  controls: { id: string[]; ancestry: string[]; configuration: string[]; carrier: Uint8Array };
  /** assay: sample id → row block; values per (sample, target) in target order, NaN when missing */
  assay: {
    index: Map<string, number>;
    qcPass: Uint8Array;
    depth: Float64Array;
    alt: Float64Array;
    total: Float64Array;
    specificAlt: Float64Array;
    specificTotal: Float64Array;
  };
}

function col(t: Table, name: string): number {
  const j = t.header.indexOf(name);
  if (j < 0) throw new Error(`TSV has no column ${name} (columns: ${t.header.join(', ')})`);
  return j;
}

const strings = (t: Table, name: string) => {
  const j = col(t, name);
  return t.rows.map((r) => r[j]);
};

function ints(t: Table, name: string): number[] {
  const j = col(t, name);
  return t.rows.map((r, i) => {
    const v = Number(r[j]);
    if (r[j] === '' || !Number.isInteger(v)) throw new Error(`column ${name}, row ${i + 1}: expected an integer, got ${JSON.stringify(r[j])}`);
    return v;
  });
}

const cache = new WeakMap<Uint8Array, CarrierData>();

const ASSAY_COLUMNS = ['sample_id', 'target_id', 'depth_ratio', 'alt_reads', 'total_reads', 'specific_alt_reads', 'specific_total_reads', 'qc_flag'];

/** Field k of a row as a number: '' → NaN; plain decimals parsed from char codes (no substrings). */
function parseField(text: string, start: number, end: number, line: number): number {
  if (start === end) return NaN;
  let v = 0;
  let i = start;
  let neg = false;
  if (text.charCodeAt(i) === 45) (neg = true), i++;
  let scale = 0;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      if (scale) scale *= 10;
    } else if (c === 46 && !scale) scale = 1;
    else {
      // exponents, inf, … : fall back to the full parser
      const x = Number(text.slice(start, end));
      if (Number.isNaN(x)) throw new Error(`assay_observations line ${line}: not a number: ${JSON.stringify(text.slice(start, end))}`);
      return x;
    }
  }
  if (scale) v /= scale;
  return neg ? -v : v;
}

/**
 * Parse of the ~110k-row observation table straight into typed arrays (a row-of-strings parse made
 * garbage collection the largest cost of an instance). Strict: every row has the header's field count.
 */
function parseAssay(files: Files, targets: TargetInfo[]): CarrierData['assay'] {
  const data = requireFile(files, 'assay_observations.tsv.gz');
  const text = readText(data);
  let pos = text.indexOf('\n');
  if (pos < 0) throw new Error('assay_observations.tsv.gz has no rows');
  const header = text.slice(0, pos).replace(/\r$/, '').split('\t');
  const role = new Int8Array(header.length).fill(-1);
  ASSAY_COLUMNS.forEach((c, k) => {
    const j = header.indexOf(c);
    if (j < 0) throw new Error(`TSV has no column ${c} (columns: ${header.join(', ')})`);
    role[j] = k;
  });
  let nRows = 0;
  for (let i = text.indexOf('\n', pos + 1); i >= 0; i = text.indexOf('\n', i + 1)) nRows++;
  if (!text.endsWith('\n')) nRows++;
  const targetIndex = new Map(targets.map((t, i) => [t.id, i]));
  const nT = targets.length;
  const index = new Map<string, number>();
  const rowSample = new Int32Array(nRows);
  const rowTarget = new Int32Array(nRows);
  const rowPass = new Uint8Array(nRows);
  const vals = new Float64Array(nRows * 5);
  let r = 0;
  let line = 1;
  for (pos += 1; pos < text.length; ) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const stop = text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    line++;
    if (stop === pos) {
      pos = end + 1;
      continue;
    }
    let f = 0;
    let a = pos;
    while (a <= stop) {
      let b = text.indexOf('\t', a);
      if (b < 0 || b > stop) b = stop;
      if (f >= header.length) throw new Error(`assay_observations line ${line} has more fields than the header (${header.length})`);
      const k = role[f];
      if (k === 0) {
        const id = text.slice(a, b);
        let s = index.get(id);
        if (s === undefined) index.set(id, (s = index.size));
        rowSample[r] = s;
      } else if (k === 1) {
        const t = targetIndex.get(text.slice(a, b));
        if (t === undefined) throw new Error(`assay_observations line ${line}: unknown target ${text.slice(a, b)}`);
        rowTarget[r] = t;
      } else if (k === 7) rowPass[r] = b - a === 4 && text.startsWith('PASS', a) ? 1 : 0;
      else if (k > 1) vals[r * 5 + k - 2] = parseField(text, a, b, line);
      f++;
      a = b + 1;
    }
    if (f !== header.length) throw new Error(`assay_observations line ${line} has ${f} fields, header has ${header.length}`);
    r++;
    pos = end + 1;
  }
  const nS = index.size;
  const mk = () => new Float64Array(nS * nT).fill(NaN);
  const out = { index, qcPass: new Uint8Array(nS).fill(1), depth: mk(), alt: mk(), total: mk(), specificAlt: mk(), specificTotal: mk() };
  const dest = [out.depth, out.alt, out.total, out.specificAlt, out.specificTotal];
  for (let i = 0; i < r; i++) {
    const s = rowSample[i];
    if (!rowPass[i]) out.qcPass[s] = 0;
    const k = s * nT + rowTarget[i];
    for (let c = 0; c < 5; c++) dest[c][k] = vals[i * 5 + c];
  }
  return out;
}

export function loadCarrier(files: Files): CarrierData {
  const key = files.get('assay_observations.tsv.gz');
  const hit = key && cache.get(key);
  if (hit) return hit;

  const tm = readTable(files, 'target_metadata.tsv.gz');
  const targets: TargetInfo[] = tm.rows.map((r) => ({
    id: r[col(tm, 'target_id')],
    type: r[col(tm, 'target_type')],
    founder: r[col(tm, 'founder_haplotype')],
    paralogSpecific: r[col(tm, 'paralog_specific')] === '1',
    classification: r[col(tm, 'classification')],
  }));

  const cr = readTable(files, 'cohort_roster.tsv.gz');
  const cohort = { id: strings(cr, 'sample_id'), collection: strings(cr, 'collection'), ancestry: strings(cr, 'ancestry'), tier: Int8Array.from(ints(cr, 'family_history_tier')) };
  const pr = readTable(files, 'partner_roster.tsv.gz');
  const partners = { ancestry: strings(pr, 'ancestry'), tier: Int8Array.from(ints(pr, 'family_history_tier')), tested: Uint8Array.from(ints(pr, 'tested')), sampleId: strings(pr, 'sample_id') };
  const cc = readTable(files, 'calibration_controls.tsv.gz');
  const controls = { id: strings(cc, 'sample_id'), ancestry: strings(cc, 'ancestry'), configuration: strings(cc, 'truth_configuration'), carrier: Uint8Array.from(ints(cc, 'truth_carrier')) };

  const assay = parseAssay(files, targets);
  const data: CarrierData = { targets, cohort, partners, controls, assay };
  if (key) cache.set(key, data);
  return data;
}
