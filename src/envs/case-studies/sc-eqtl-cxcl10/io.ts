// Readers for case 5's files: per-cell counts, donors and empty droplets into typed arrays, with
// clear errors for missing columns, unknown donors or lanes, and non-integer counts.

import { numberColumn, stringColumn, type Table } from '../framework/tsv.js';
import { readTable } from '../framework/files.js';
import { G, GENES } from './simulator.js';

type Files = ReadonlyMap<string, Uint8Array>;

export interface Donors {
  ids: string[];
  /** lane index per donor (into `lanes`) */
  lane: Int32Array;
  lanes: string[];
  /** copies of the effect allele */
  dosage: Float64Array;
  effectAllele: string[];
}

export interface Droplets {
  /** number of droplets */
  n: number;
  totalUmi: Float64Array;
  /** counts[i * G + j], genes in GENES order */
  counts: Float64Array;
}

export interface Cells extends Droplets {
  /** donor index per cell (into Donors.ids) */
  donor: Int32Array;
  /** lane index per cell, through the donor table */
  lane: Int32Array;
}

export interface Empties extends Droplets {
  lane: Int32Array;
}

export interface ScData {
  donors: Donors;
  cells: Cells;
  empties: Empties;
}

function countMatrix(t: Table, path: string): { totalUmi: Float64Array; counts: Float64Array } {
  const n = t.rows.length;
  const totalUmi = numberColumn(t, 'total_umi');
  const counts = new Float64Array(n * G);
  GENES.forEach((g, j) => {
    const col = numberColumn(t, g);
    for (let i = 0; i < n; i++) counts[i * G + j] = col[i];
  });
  for (let i = 0; i < counts.length; i++)
    if (!Number.isInteger(counts[i]) || counts[i] < 0) throw new Error(`${path}: count ${counts[i]} is not a non-negative integer (row ${Math.floor(i / G) + 1})`);
  for (let i = 0; i < n; i++) if (!(totalUmi[i] > 0)) throw new Error(`${path}: total_umi must be positive (row ${i + 1})`);
  return { totalUmi, counts };
}

function readDonors(files: Files): Donors {
  const t = readTable(files, 'donors.tsv.gz');
  const ids = stringColumn(t, 'donor');
  const laneNames = stringColumn(t, 'lane');
  const lanes = [...new Set(laneNames)].sort();
  const laneIndex = new Map(lanes.map((l, i) => [l, i]));
  const dosage = numberColumn(t, 'rs_cxcl10_alt_dosage');
  dosage.forEach((x, i) => {
    if (!(x >= 0 && x <= 2)) throw new Error(`donors.tsv.gz: dosage ${x} of ${ids[i]} outside [0, 2]`);
  });
  if (new Set(ids).size !== ids.length) throw new Error('donors.tsv.gz: duplicate donor ids');
  return { ids, lane: Int32Array.from(laneNames, (l) => laneIndex.get(l)!), lanes, dosage, effectAllele: stringColumn(t, 'effect_allele') };
}

export function loadScData(files: Files): ScData {
  const donors = readDonors(files);
  const donorIndex = new Map(donors.ids.map((d, i) => [d, i]));
  const laneIndex = new Map(donors.lanes.map((l, i) => [l, i]));

  const ct = readTable(files, 'cell_counts.tsv.gz');
  const donor = Int32Array.from(stringColumn(ct, 'donor'), (d, i) => {
    const k = donorIndex.get(d);
    if (k === undefined) throw new Error(`cell_counts.tsv.gz: donor ${d} (row ${i + 1}) is not in donors.tsv.gz`);
    return k;
  });
  const cells: Cells = { n: ct.rows.length, donor, lane: Int32Array.from(donor, (d) => donors.lane[d]), ...countMatrix(ct, 'cell_counts.tsv.gz') };

  const et = readTable(files, 'empty_droplets.tsv.gz');
  const lane = Int32Array.from(stringColumn(et, 'lane'), (l, i) => {
    const k = laneIndex.get(l);
    if (k === undefined) throw new Error(`empty_droplets.tsv.gz: lane ${l} (row ${i + 1}) has no donors`);
    return k;
  });
  const empties: Empties = { n: et.rows.length, lane, ...countMatrix(et, 'empty_droplets.tsv.gz') };
  return { donors, cells, empties };
}

/** Parsed data cached per files map: the reference and every naive analysis read the same files. */
const cache = new WeakMap<Files, ScData>();
export function scData(files: Files): ScData {
  let d = cache.get(files);
  if (!d) {
    d = loadScData(files);
    cache.set(files, d);
  }
  return d;
}
