// An analysis's input files: the workspace as a path → bytes map, with one clear error for a
// file that is not there (naming the files that are).

import { readText } from './gzip.js';
import { parseTsv, type Table } from './tsv.js';

export type CaseFiles = ReadonlyMap<string, Uint8Array>;

export function requireFile(files: CaseFiles, path: string): Uint8Array {
  const data = files.get(path);
  if (!data) throw new Error(`missing file ${path} (have: ${[...files.keys()].join(', ')})`);
  return data;
}

/** A required TSV file (gzip or plain), parsed. */
export function readTable(files: CaseFiles, path: string): Table {
  return parseTsv(readText(requireFile(files, path)));
}
