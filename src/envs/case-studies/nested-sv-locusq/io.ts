// Readers for case 6's files into column arrays keyed by sample (shared by the reference and
// the naive analyses).

import { readTable } from '../framework/files.js';
import { numberColumn, stringColumn } from '../framework/tsv.js';

type Files = ReadonlyMap<string, Uint8Array>;

export interface Cohort {
  id: string[];
  index: Map<string, number>;
  caseStatus: Float64Array;
  age: Float64Array;
  sex: Float64Array;
  pc1: Float64Array;
  pc2: Float64Array;
  pc3: Float64Array;
  clinic: string[];
  stream: string[];
  /** design weight n_source / n_sampled of the person's sampling cell */
  weight: Float64Array;
}

export interface Dosage {
  batch: string[];
  ratio: Float64Array;
  outer: Float64Array;
}

export interface PanelRow {
  sample: string;
  method: string;
  outer: number;
  copies: number;
  reads: number;
  pass: boolean;
  concordant: boolean;
}

export interface ExpressionRow {
  sample: string;
  batch: string;
  gene: string;
  count: number;
  library: number;
}

export interface LocusQData {
  cohort: Cohort;
  /** aligned to cohort rows */
  dosage: Dosage;
  panel: PanelRow[];
  expression: ExpressionRow[];
}

const ORIENTATION_DOSAGE: Record<string, number> = { 'REF/REF': 0, 'REF/INV': 1, 'INV/REF': 1, 'INV/INV': 2 };

function loadCohort(files: Files): Cohort {
  const t = readTable(files, 'cohort.tsv.gz');
  const id = stringColumn(t, 'sample_id');
  const index = new Map(id.map((s, i) => [s, i]));
  if (index.size !== id.length) throw new Error('cohort.tsv.gz: duplicate sample ids');
  const clinic = stringColumn(t, 'clinic_stratum');
  const stream = stringColumn(t, 'recruitment_stream');
  const caseStatus = numberColumn(t, 'case');
  const s = readTable(files, 'sampling_design.tsv.gz');
  const cellKey = (c: string, r: string, y: number) => `${c}|${r}|${y}`;
  const cellWeight = new Map<string, number>();
  const sc = stringColumn(s, 'clinic_stratum'), ss = stringColumn(s, 'recruitment_stream');
  const sy = numberColumn(s, 'case'), ns = numberColumn(s, 'n_source'), nd = numberColumn(s, 'n_sampled');
  for (let i = 0; i < sc.length; i++) if (nd[i] > 0) cellWeight.set(cellKey(sc[i], ss[i], sy[i]), ns[i] / nd[i]);
  const weight = Float64Array.from(id, (_, i) => {
    const w = cellWeight.get(cellKey(clinic[i], stream[i], caseStatus[i]));
    if (w === undefined) throw new Error(`no sampling cell for ${id[i]}`);
    return w;
  });
  return {
    id,
    index,
    caseStatus,
    age: numberColumn(t, 'age'),
    sex: numberColumn(t, 'sex'),
    pc1: numberColumn(t, 'pc1'),
    pc2: numberColumn(t, 'pc2'),
    pc3: numberColumn(t, 'pc3'),
    clinic,
    stream,
    weight,
  };
}

function loadDosage(files: Files, cohort: Cohort): Dosage {
  const t = readTable(files, 'locus_q_dosage.tsv.gz');
  const ids = stringColumn(t, 'sample_id');
  const b = stringColumn(t, 'seq_batch');
  const r = numberColumn(t, 'segB_depth_ratio');
  const o = numberColumn(t, 'outer_inv_dosage');
  const n = cohort.id.length;
  const out: Dosage = { batch: new Array<string>(n), ratio: new Float64Array(n).fill(NaN), outer: new Float64Array(n).fill(NaN) };
  ids.forEach((s, j) => {
    const i = cohort.index.get(s);
    if (i === undefined) throw new Error(`locus_q_dosage.tsv.gz: ${s} is not in the cohort`);
    out.batch[i] = b[j];
    out.ratio[i] = r[j];
    out.outer[i] = o[j];
  });
  for (let i = 0; i < n; i++) if (!(out.ratio[i] >= 0)) throw new Error(`no Locus Q dosage for ${cohort.id[i]}`);
  return out;
}

export function loadLocusQ(files: Files): LocusQData {
  const cohort = loadCohort(files);
  const dosage = loadDosage(files, cohort);
  const p = readTable(files, 'breakpoint_panel.tsv.gz');
  const pi = (c: string) => p.header.indexOf(c);
  const [cs, cm, co, cb, cr, cq, cc] = ['sample_id', 'method', 'outer_orientation', 'segB_copies', 'spanning_reads', 'call_qual', 'array_concordance'].map(pi);
  if ([cs, cm, co, cb, cr, cq, cc].some((x) => x < 0)) throw new Error('breakpoint_panel.tsv.gz: missing columns');
  const panel = p.rows.map((r) => {
    const outer = ORIENTATION_DOSAGE[r[co]];
    if (outer === undefined) throw new Error(`breakpoint_panel.tsv.gz: unknown orientation ${r[co]}`);
    return { sample: r[cs], method: r[cm], outer, copies: Number(r[cb]), reads: Number(r[cr]), pass: r[cq] === 'PASS', concordant: r[cc] === 'ok' };
  });
  const e = readTable(files, 'expression.tsv.gz');
  const [es, eb, eg, ec, el] = ['sample_id', 'rna_batch', 'gene', 'count', 'library_size'].map((c) => e.header.indexOf(c));
  const expression = e.rows.map((r) => ({ sample: r[es], batch: r[eb], gene: r[eg], count: Number(r[ec]), library: Number(r[el]) }));
  return { cohort, dosage, panel, expression };
}

/** Reliable panel calls (PASS and array-concordant), one per sample (first reliable call). */
export function reliablePanel(panel: readonly PanelRow[]): PanelRow[] {
  const seen = new Map<string, PanelRow>();
  for (const r of panel) if (r.pass && r.concordant && !seen.has(r.sample)) seen.set(r.sample, r);
  return [...seen.values()];
}
