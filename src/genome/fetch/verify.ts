// Checks a downloaded file before it is renamed into place: gzip tables are decompressed whole
// and parsed with the same parser the assembly reader uses, so a truncated or corrupted table is
// caught at download time (UCSC's md5sum.txt covers bigZips only, never database/).

import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { parseChromSizes } from '../chrom-sizes.js';
import { parseCytoBands } from '../cytoband.js';
import { parseGenePred } from '../genepred.js';
import { parseChromAlias } from '../chrom-alias.js';
import { parseRefSeqLink } from '../refseq-link.js';
import { isGzipBuffer } from '../text-file.js';

const gunzipAsync = promisify(gunzip);

export type TableRole = 'chromSizes' | 'cytoBand' | 'ncbiRefSeq' | 'refGene' | 'ncbiRefSeqSelect' | 'ncbiRefSeqLink' | 'chromAlias';

const PARSERS: Record<TableRole, (text: string, source: string) => unknown[] | Map<string, number>> = {
  chromSizes: parseChromSizes,
  cytoBand: parseCytoBands,
  ncbiRefSeq: parseGenePred,
  refGene: parseGenePred,
  ncbiRefSeqSelect: parseGenePred,
  ncbiRefSeqLink: parseRefSeqLink,
  chromAlias: parseChromAlias,
};

export function isTableRole(role: string): role is TableRole {
  return role in PARSERS;
}

/** Throws an Error naming `label` when the file at `path` does not decode and parse as `role`. */
export async function verifyTable(role: TableRole, path: string, label: string): Promise<void> {
  const raw = await readFile(path);
  let text: string;
  if (isGzipBuffer(raw)) {
    try {
      text = (await gunzipAsync(raw)).toString('utf8');
    } catch (e) {
      throw new Error(`${label} is damaged: it does not decompress (${(e as Error).message})`);
    }
  } else if (label.endsWith('.gz')) {
    throw new Error(`${label} is damaged: it is not gzip data`);
  } else {
    text = raw.toString('utf8');
  }
  let parsed: unknown[] | Map<string, number>;
  try {
    parsed = PARSERS[role](text, label);
  } catch (e) {
    throw new Error(`${label} is damaged: ${(e as Error).message}`);
  }
  const rows = parsed instanceof Map ? parsed.size : parsed.length;
  if (rows === 0) throw new Error(`${label} is damaged: it holds no rows`);
}
