// Reading case 7's files back (analyses see only these bytes).

import { readText } from '../framework/gzip.js';
import { npyNumbers, readNpz } from '../framework/npy.js';
import { numberColumn, parseTsv, stringColumn } from '../framework/tsv.js';
import { requireFile } from '../framework/files.js';
import { FILES, SAMPLES, type Condition, type SampleName } from './layout.js';

type Files = ReadonlyMap<string, Uint8Array>;

export interface BinTable {
  binId: Int32Array;
  start: Float64Array;
  mappability: Float64Array;
}

export interface HicData {
  n: number;
  bins: BinTable;
  /** row-major n × n counts per sample */
  matrices: Record<SampleName, Float64Array>;
  conditionOf: Record<SampleName, Condition>;
}

function readBins(bytes: Uint8Array): BinTable {
  const t = parseTsv(readText(bytes));
  const ids = numberColumn(t, 'bin_id');
  return { binId: Int32Array.from(ids), start: numberColumn(t, 'start'), mappability: numberColumn(t, 'mappability') };
}

/** One resolution's bins and matrices; matrix rows are put in bin_id order. */
export function loadHic(files: Files, resolution: '20kb' | '40kb' = '20kb'): HicData {
  const bins = readBins(requireFile(files, resolution === '20kb' ? FILES.bins20 : FILES.bins40));
  const npz = readNpz(requireFile(files, resolution === '20kb' ? FILES.contacts20 : FILES.contacts40));
  const n = bins.binId.length;
  const ids = npz.bin_id ? npyNumbers(npz.bin_id) : null;
  if (!ids || ids.length !== n) throw new Error(`contacts_${resolution}.npz: bin_id missing or not ${n} long`);
  for (let k = 0; k < n; k++) if (ids[k] !== bins.binId[k]) throw new Error(`contacts_${resolution}.npz: bin_id order differs from the bin table at position ${k}`);
  const conditions = samplesTable(files);
  const matrices = {} as Record<SampleName, Float64Array>;
  for (const s of SAMPLES) {
    const a = npz[s.name];
    if (!a || a.shape.length !== 2 || a.shape[0] !== n || a.shape[1] !== n) throw new Error(`contacts_${resolution}.npz: ${s.name} missing or not ${n}×${n}`);
    matrices[s.name] = npyNumbers(a);
  }
  return { n, bins, matrices, conditionOf: conditions };
}

function samplesTable(files: Files): Record<SampleName, Condition> {
  const t = parseTsv(readText(requireFile(files, FILES.samples)));
  const names = stringColumn(t, 'sample');
  const conds = stringColumn(t, 'condition');
  const out = {} as Record<SampleName, Condition>;
  for (const s of SAMPLES) {
    const k = names.indexOf(s.name);
    if (k < 0) throw new Error(`samples.tsv.gz has no row for ${s.name}`);
    if (conds[k] !== 'case' && conds[k] !== 'control') throw new Error(`samples.tsv.gz: ${s.name} has condition ${conds[k]}`);
    out[s.name] = conds[k] as Condition;
  }
  return out;
}

/** Index (matrix row) of a bin id. */
export function rowOfBin(bins: BinTable, id: number): number {
  const r = bins.binId.indexOf(id);
  if (r < 0) throw new Error(`no bin with bin_id ${id}`);
  return r;
}
