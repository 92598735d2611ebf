// UCSC's ncbiRefSeqLink table: one row per RefSeq transcript with its NCBI Gene id (the
// `locusLinkId` column, taken from the GFF Dbxref GeneID). Columns by position: id, status,
// name (gene symbol), product, mrnaAcc, protAcc, locusLinkId, ... (later columns ignored).

export interface RefSeqLinkRow {
  /** transcript accession, e.g. NM_002467.6 */
  id: string;
  /** gene symbol */
  name: string;
  mrnaAcc: string;
  /** NCBI Gene id as digits, or '' when the row carries none */
  geneId: string;
}

/** Parses ncbiRefSeqLink.txt; throws naming `source` and the line on a malformed row. */
export function parseRefSeqLink(text: string, source = 'ncbiRefSeqLink'): RefSeqLinkRow[] {
  const out: RefSeqLinkRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line || line.startsWith('#')) continue;
    const f = line.split('\t');
    if (f.length < 7) throw new Error(`${source} line ${i + 1}: expected at least 7 tab-separated columns, found ${f.length}`);
    const geneId = f[6].trim();
    if (geneId && !/^\d+$/.test(geneId)) throw new Error(`${source} line ${i + 1}: locusLinkId ${JSON.stringify(geneId)} is not a number`);
    out.push({ id: f[0], name: f[2], mrnaAcc: f[4], geneId });
  }
  return out;
}
