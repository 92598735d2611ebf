// Reads the four case files into aligned typed arrays (columns in the npz's marker order, rows
// in the npz's RIL order), with clear errors for missing files, ids or columns. Parsed once per
// files object, so the reference and every naive analysis share the work.

import { readText } from '../framework/gzip.js';
import { readNpz } from '../framework/npy.js';
import { parseTsv, type Table } from '../framework/tsv.js';
import { requireFile } from '../framework/files.js';
import { N_FOUNDERS } from './hmm.js';

type Files = ReadonlyMap<string, Uint8Array>;

export interface MppData {
  nRil: number;
  nMarker: number;
  /** marker ids in genotype-column order (the file order, not map order) */
  markerIds: string[];
  chr: Int32Array;
  pos: Float64Array;
  /** founderAlleles[j·8 + f] for genotype column j, as written in founders.tsv */
  founderAlleles: Uint8Array;
  /** genotypes[i·nMarker + j]: 0/1, −1 missing, 2 heterozygous */
  genotypes: Int8Array;
  phenotype: Float64Array;
  batch: Int32Array;
  male: Uint8Array;
  age: Float64Array;
}

function column(t: Table, name: string, what: string): number {
  const i = t.header.indexOf(name);
  if (i < 0) throw new Error(`${what} has no column ${name} (columns: ${t.header.join(', ')})`);
  return i;
}

function num(s: string, where: string): number {
  const v = Number(s);
  if (s === '' || !Number.isFinite(v)) throw new Error(`${where}: not a number: ${JSON.stringify(s)}`);
  return v;
}

const cache = new WeakMap<Files, MppData>();

export function loadMpp(files: Files): MppData {
  const hit = cache.get(files);
  if (hit) return hit;
  const npz = readNpz(requireFile(files, 'ril_genotypes.npz'));
  for (const k of ['genotypes', 'ril_ids', 'marker_ids']) if (!npz[k]) throw new Error(`ril_genotypes.npz lacks ${k}`);
  const g = npz.genotypes;
  if (g.dtype !== 'int8' || g.shape.length !== 2) throw new Error(`genotypes must be a 2-D int8 array, got ${g.dtype} [${g.shape}]`);
  const [nRil, nMarker] = g.shape;
  const markerIds = npz.marker_ids.data as string[];
  const rilIds = npz.ril_ids.data as string[];
  if (markerIds.length !== nMarker || rilIds.length !== nRil) throw new Error('ril_ids / marker_ids do not match the genotype matrix shape');
  const colOf = new Map(markerIds.map((id, j) => [id, j]));

  const mt = parseTsv(readText(requireFile(files, 'markers.tsv.gz')));
  const [mi, mc, mp] = ['marker_id', 'chr', 'pos_cM'].map((c) => column(mt, c, 'markers.tsv.gz'));
  const chr = new Int32Array(nMarker).fill(-1), pos = new Float64Array(nMarker);
  for (const r of mt.rows) {
    const j = colOf.get(r[mi]);
    if (j === undefined) continue;
    chr[j] = num(r[mc], `markers ${r[mi]} chr`);
    pos[j] = num(r[mp], `markers ${r[mi]} pos_cM`);
  }
  const ft = parseTsv(readText(requireFile(files, 'founders.tsv.gz')));
  const fi = column(ft, 'marker_id', 'founders.tsv.gz');
  const fcols = Array.from({ length: N_FOUNDERS }, (_, f) => column(ft, `F${f + 1}`, 'founders.tsv.gz'));
  const founderAlleles = new Uint8Array(nMarker * N_FOUNDERS).fill(255);
  for (const r of ft.rows) {
    const j = colOf.get(r[fi]);
    if (j === undefined) continue;
    fcols.forEach((c, f) => (founderAlleles[j * N_FOUNDERS + f] = num(r[c], `founders ${r[fi]} F${f + 1}`)));
  }
  for (let j = 0; j < nMarker; j++) {
    if (chr[j] < 0) throw new Error(`marker ${markerIds[j]} is not in markers.tsv.gz`);
    if (founderAlleles[j * N_FOUNDERS] === 255) throw new Error(`marker ${markerIds[j]} is not in founders.tsv.gz`);
  }

  const pt = parseTsv(readText(requireFile(files, 'phenotypes.tsv.gz')));
  const [pi, py, pb, ps, pa] = ['ril_id', 'phenotype', 'batch', 'sex', 'age_days'].map((c) => column(pt, c, 'phenotypes.tsv.gz'));
  const rowOf = new Map(pt.rows.map((r) => [r[pi], r]));
  const phenotype = new Float64Array(nRil), batch = new Int32Array(nRil), male = new Uint8Array(nRil), age = new Float64Array(nRil);
  rilIds.forEach((id, i) => {
    const r = rowOf.get(id);
    if (!r) throw new Error(`RIL ${id} has no phenotype row`);
    phenotype[i] = num(r[py], `${id} phenotype`);
    batch[i] = num(r[pb], `${id} batch`);
    male[i] = r[ps] === 'M' ? 1 : 0;
    age[i] = num(r[pa], `${id} age_days`);
  });
  const data: MppData = {
    nRil, nMarker, markerIds, chr, pos, founderAlleles, genotypes: g.data as Int8Array, phenotype, batch, male, age,
  };
  cache.set(files, data);
  return data;
}
