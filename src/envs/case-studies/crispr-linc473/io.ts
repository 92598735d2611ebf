// TSV(.gz) helpers over the framework's writer/parser and reproducible gzip.

import { gzip, readText } from '../framework/gzip.js';
import { parseTsv, writeTsv, type Cell } from '../framework/tsv.js';

export function tsvGz(header: string[], rows: Cell[][]): Uint8Array {
  return gzip(writeTsv(header, rows));
}

export interface Table {
  header: string[];
  rows: string[][];
  col(name: string): number;
}

/** Parse a (possibly gzipped) TSV and look columns up by name with a clear error. */
export function readTsv(bytes: Uint8Array): Table {
  const t = parseTsv(readText(bytes));
  return {
    ...t,
    col(name) {
      const i = t.header.indexOf(name);
      if (i < 0) throw new Error(`TSV has no column ${name} (columns: ${t.header.join(', ')})`);
      return i;
    },
  };
}
