// UCSC's chromAlias table (database/chromAlias.txt.gz): one row per other name of a sequence,
// `alias<TAB>chrom<TAB>source` (source: refseq, genbank, ensembl, assembly... comma-joined when
// several agree). The UCSC API resolves chrom= through it; the mirror does the same.

export interface ChromAliasRow {
  alias: string;
  chrom: string;
  source: string;
}

/** Parses chromAlias.txt; throws naming `source` and the line on a malformed row. */
export function parseChromAlias(text: string, source = 'chromAlias'): ChromAliasRow[] {
  const out: ChromAliasRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (!line || line.startsWith('#')) continue;
    const f = line.split('\t');
    if (f.length < 2 || !f[0] || !f[1]) throw new Error(`${source} line ${i + 1}: expected alias<TAB>chrom[<TAB>source]`);
    out.push({ alias: f[0], chrom: f[1], source: f[2] ?? '' });
  }
  return out;
}
