// `genegym assembly import`: builds an assembly directory (UCSC layout) from loose files, which is
// how users bring any organism. FASTA (plain, gzip or bgzip; streamed, so chromosome-sized
// records are fine) becomes <name>.2bit; chrom.sizes is computed or checked against the FASTA;
// cytoBand and gene tables (genePred with or without bin, or NCBI GFF3) are validated with the
// same parsers the readers use and written as UCSC text tables. Everything is written to a
// temporary sibling directory and renamed into place, so a failed import leaves nothing behind.

import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { parseChromSizes } from './chrom-sizes.js';
import { parseCytoBands } from './cytoband.js';
import { computeExonFrames, formatGenePredRow, sha256File } from './demo/index.js';
import { parseGenePred } from './genepred.js';
import { parseGff3 } from './gff.js';
import { readTextFile } from './text-file.js';
import { TwoBitWriter } from './twobit-writer.js';
import type { AssemblyFileRecord, AssemblyManifest, Transcript } from './types.js';

export class ImportError extends Error {
  override name = 'ImportError';
}

export interface ImportOptions {
  out: string;
  name: string;
  fasta: string[];
  chromSizes?: string;
  cytoBand?: string;
  genes?: string[];
  description?: string;
  /** replace a non-empty `out` */
  force?: boolean;
  onSequence?: (name: string, size: number) => void;
}

export interface ImportResult {
  dir: string;
  manifest: AssemblyManifest;
  sizes: Map<string, number>;
  /** what was left out and why (rows on sequences the FASTA does not have) */
  notes: string[];
}

// IUPAC nucleotide letters in either case; the 2bit stores all but ACGT as N
const ALLOWED = new Uint8Array(256);
for (const c of 'ACGTUNRYKMSWBDHVacgtunrykmswbdhv') ALLOWED[c.charCodeAt(0)] = 1;

async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    await fh.read(b, 0, 2, 0);
    return b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

async function* fastaBytes(path: string): AsyncIterable<Buffer> {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  // bgzip is a series of gzip members; node's gunzip reads them all
  const stream = (await isGzipFile(path)) ? raw.pipe(createGunzip()) : raw;
  for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
}

/** Streams FASTA records into the 2bit writer; returns name -> length in file order. */
async function fastaToTwoBit(paths: string[], writer: TwoBitWriter, onSequence?: (n: string, s: number) => void): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const path of paths) {
    let header: number[] | null = null;
    let current: string | null = null;
    let size = 0;
    let line = 1;
    let sawRecord = false;
    const finish = async () => {
      if (current === null) return;
      await writer.endSequence();
      sizes.set(current, size);
      onSequence?.(current, size);
      current = null;
    };
    for await (const chunk of fastaBytes(path)) {
      const out = Buffer.allocUnsafe(chunk.length);
      let n = 0;
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i];
        if (header) {
          if (c === 0x0a) {
            const text = Buffer.from(header).toString('latin1').replace(/\r$/, '');
            const name = text.split(/\s/)[0];
            if (!name) throw new ImportError(`${path}:${line}: FASTA header without a sequence name`);
            if (sizes.has(name)) throw new ImportError(`${path}:${line}: sequence ${name} appears twice`);
            header = null;
            current = name;
            size = 0;
            sawRecord = true;
            writer.beginSequence(name);
            line++;
          } else header.push(c);
          continue;
        }
        if (c === 0x3e /* > */) {
          if (n) {
            await writer.write(out.subarray(0, n));
            n = 0;
          }
          await finish();
          header = [];
          continue;
        }
        if (c === 0x0a) {
          line++;
          continue;
        }
        if (c === 0x0d || c === 0x20 || c === 0x09) continue;
        if (current === null) throw new ImportError(`${path}:${line}: sequence data before the first ">" header; is this a FASTA file?`);
        if (!ALLOWED[c]) {
          throw new ImportError(`${path}:${line}: ${JSON.stringify(String.fromCharCode(c))} in sequence ${current} is not a nucleotide letter (IUPAC)`);
        }
        out[n++] = c;
        size++;
      }
      if (n) await writer.write(out.subarray(0, n));
    }
    if (header) throw new ImportError(`${path}: ends inside a header line`);
    await finish();
    if (!sawRecord) throw new ImportError(`${path}: no FASTA records found`);
  }
  return sizes;
}

function isGffPath(p: string): boolean {
  return /\.gff3?(\.gz)?$/i.test(p);
}

function tableNameFor(p: string): string {
  const base = basename(p).replace(/\.gz$/, '').replace(/\.(txt|genePred|gp|tsv)$/i, '');
  return ['ncbiRefSeq', 'refGene', 'knownGene', 'ncbiRefSeqSelect'].find((t) => base === t) ?? 'ncbiRefSeq';
}

export async function importAssembly(opts: ImportOptions): Promise<ImportResult> {
  if (!/^[A-Za-z0-9_.-]+$/.test(opts.name)) throw new ImportError(`bad assembly name ${JSON.stringify(opts.name)} (letters, digits, _ . - only)`);
  if (!opts.fasta.length) throw new ImportError('at least one --fasta file is required');
  for (const f of [...opts.fasta, opts.chromSizes, opts.cytoBand, ...(opts.genes ?? [])]) {
    if (f !== undefined && !existsSync(f)) throw new ImportError(`input file ${f} does not exist`);
  }
  const out = resolve(opts.out);
  if (existsSync(out) && (await readdir(out)).length > 0 && !opts.force) {
    throw new ImportError(`output directory ${out} is not empty (use --force to replace it)`);
  }
  await mkdir(dirname(out), { recursive: true });
  const tmp = await mkdtemp(join(dirname(out), `.${basename(out)}.import-`));
  try {
    const result = await importInto(tmp, opts);
    if (existsSync(out)) {
      if (opts.force) await rm(out, { recursive: true, force: true });
      else await rmdir(out);
    }
    await rename(tmp, out);
    return { ...result, dir: out };
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

async function importInto(dir: string, opts: ImportOptions): Promise<ImportResult> {
  const notes: string[] = [];
  const inputs: Record<string, unknown>[] = [];
  const describeInput = async (role: string, p: string) => {
    const abs = resolve(p);
    inputs.push({ role, path: abs, bytes: (await stat(abs)).size, sha256: await sha256File(abs) });
  };
  const twoBit = `${opts.name}.2bit`;
  const writer = await TwoBitWriter.create(join(dir, twoBit));
  let sizes: Map<string, number>;
  try {
    sizes = await fastaToTwoBit(opts.fasta, writer, opts.onSequence);
    await writer.close();
  } catch (e) {
    await writer.abort();
    throw e;
  }
  for (const f of opts.fasta) await describeInput('fasta', f);

  // chrom.sizes: check a given one against the FASTA, keep only sequences present. A FASTA
  // record shorter than chrom.sizes says is a partial chromosome (the first bases of it): kept
  // at its FASTA length and marked partial, so nothing describes it as the whole chromosome.
  let sizesOut = sizes;
  const partial: Record<string, { length: number; fullLength: number }> = {};
  if (opts.chromSizes) {
    const given = parseChromSizes(await readTextFile(opts.chromSizes), opts.chromSizes);
    const wrong = [...sizes].filter(([c, n]) => given.has(c) && given.get(c)! < n).map(([c, n]) => `${c} (FASTA ${n}, chrom.sizes ${given.get(c)})`);
    if (wrong.length) throw new ImportError(`${opts.chromSizes} disagrees with the FASTA (a FASTA record longer than chrom.sizes says): ${wrong.slice(0, 5).join(', ')}`);
    for (const [c, n] of sizes) if (given.has(c) && given.get(c)! > n) partial[c] = { length: n, fullLength: given.get(c)! };
    const pnames = Object.keys(partial);
    if (pnames.length) {
      notes.push(
        `warning: partial chromosome${pnames.length > 1 ? 's' : ''} ${pnames.map((c) => `${c} (${partial[c].length} of ${partial[c].fullLength} bp)`).join(', ')}: ` +
          'recorded at the FASTA length and marked partial; tables are clipped to it',
      );
    }
    const missing = [...sizes.keys()].filter((c) => !given.has(c));
    if (missing.length) throw new ImportError(`${opts.chromSizes} does not list ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`);
    const extra = [...given.keys()].filter((c) => !sizes.has(c));
    if (extra.length) notes.push(`chrom.sizes: ${extra.length} sequences not in the FASTA were left out`);
    // keep the given file's order
    sizesOut = new Map([...given].filter(([c]) => sizes.has(c)).map(([c]) => [c, sizes.get(c)!]));
    await describeInput('chromSizes', opts.chromSizes);
  } else {
    sizesOut = new Map([...sizes].sort((a, b) => b[1] - a[1]));
  }
  const files: Array<[string, string]> = [['twoBit', twoBit]];
  const chromSizesName = `${opts.name}.chrom.sizes`;
  await writeFile(join(dir, chromSizesName), [...sizesOut].map(([c, n]) => `${c}\t${n}\n`).join(''));
  files.push(['chromSizes', chromSizesName]);

  if (opts.cytoBand) {
    const bands = parseCytoBands(await readTextFile(opts.cytoBand), opts.cytoBand);
    const kept = bands.filter((b) => sizes.has(b.chrom));
    if (kept.length < bands.length) notes.push(`cytoBand: ${bands.length - kept.length} bands on sequences not in the FASTA were left out`);
    for (const b of kept) {
      if (b.end > sizes.get(b.chrom)! && !partial[b.chrom]) throw new ImportError(`${opts.cytoBand}: band ${b.chrom} ${b.name} ends at ${b.end}, past the end of ${b.chrom} (${sizes.get(b.chrom)} bp)`);
    }
    // bands of a partial chromosome: those past its end dropped, the one across it clipped
    const clipped = kept.filter((b) => b.start < sizes.get(b.chrom)!).map((b) => ({ ...b, end: Math.min(b.end, sizes.get(b.chrom)!) }));
    const cut = kept.filter((b) => b.start < sizes.get(b.chrom)! && b.end > sizes.get(b.chrom)!).length;
    if (clipped.length < kept.length || cut) {
      notes.push(`warning: cytoBand: ${kept.length - clipped.length} bands past the end of partial chromosomes were left out and ${cut} clipped at the end`);
    }
    await writeFile(join(dir, 'cytoBand.txt'), clipped.map((b) => `${b.chrom}\t${b.start}\t${b.end}\t${b.name}\t${b.stain}\n`).join(''));
    files.push(['cytoBand', 'cytoBand.txt']);
    await describeInput('cytoBand', opts.cytoBand);
  }

  const tables = new Map<string, Transcript[]>();
  for (const g of opts.genes ?? []) {
    const text = await readTextFile(g);
    let rows: Transcript[];
    let table: string;
    if (isGffPath(g) || /^##gff-version\s+3/m.test(text.slice(0, 2000))) {
      rows = parseGff3(text, {}, g).transcripts.map((t) => ({ ...t, exonFrames: computeExonFrames(t) }));
      table = 'ncbiRefSeq';
      const sel = rows.filter((t) => t.select);
      if (sel.length) tables.set('ncbiRefSeqSelect', [...(tables.get('ncbiRefSeqSelect') ?? []), ...sel]);
    } else {
      rows = parseGenePred(text, g);
      table = tableNameFor(g);
    }
    let kept = rows.filter((t) => sizes.has(t.chrom));
    if (kept.length < rows.length) notes.push(`${basename(g)}: ${rows.length - kept.length} of ${rows.length} transcripts on sequences not in the FASTA were left out`);
    const inside = kept.filter((t) => !partial[t.chrom] || t.txEnd <= sizes.get(t.chrom)!);
    if (inside.length < kept.length) notes.push(`warning: ${basename(g)}: ${kept.length - inside.length} transcripts reaching past the end of partial chromosomes were left out`);
    kept = inside;
    for (const t of kept) {
      if (t.txEnd > sizes.get(t.chrom)!) throw new ImportError(`${g}: transcript ${t.name} ends at ${t.txEnd}, past the end of ${t.chrom} (${sizes.get(t.chrom)} bp)`);
    }
    tables.set(table, [...(tables.get(table) ?? []), ...kept]);
    await describeInput('genes', g);
  }
  for (const [table, rows] of tables) {
    if (!rows.length) continue;
    const file = `${table}.txt`;
    const order = new Map([...sizesOut.keys()].map((c, i) => [c, i]));
    rows.sort((a, b) => order.get(a.chrom)! - order.get(b.chrom)! || a.txStart - b.txStart || a.txEnd - b.txEnd);
    await writeFile(join(dir, file), rows.map((t) => formatGenePredRow(t) + '\n').join(''));
    files.push([table, file]);
  }
  // a Select table alone is not enough for the readers, which look for the full table beside it
  if (tables.get('ncbiRefSeqSelect')?.length && [...tables].every(([k, v]) => k === 'ncbiRefSeqSelect' || !v.length)) {
    notes.push('only a Select table was given: genes are read from it, and every transcript in it counts as Select');
    await writeFile(join(dir, 'ncbiRefSeq.txt'), tables.get('ncbiRefSeqSelect')!.map((t) => formatGenePredRow(t) + '\n').join(''));
    files.push(['ncbiRefSeq', 'ncbiRefSeq.txt']);
  }

  const records: Record<string, AssemblyFileRecord> = {};
  for (const [role, file] of files) {
    const p = join(dir, file);
    records[role] = { path: file, bytes: (await stat(p)).size, sha256: await sha256File(p) };
  }
  const manifest: AssemblyManifest = {
    name: opts.name,
    description: opts.description ?? `${opts.name}, imported by genegym from local files`,
    synthetic: false,
    createdAt: new Date().toISOString(),
    files: records,
    source: { importedFrom: inputs, notes, ...(Object.keys(partial).length ? { partial } : {}) },
  };
  await writeFile(join(dir, 'assembly.json'), JSON.stringify(manifest, null, 2) + '\n');
  return { dir, manifest, sizes: sizesOut, notes };
}

/**
 * Chromosomes an import holds only the first part of (manifest.source.partial): their readable
 * length and the full length chrom.sizes gave. Such a chromosome must never be described as the
 * whole one (its length, rank or accession).
 */
export function partialChromosomes(manifest: AssemblyManifest): Map<string, { length: number; fullLength: number }> {
  const raw = (manifest.source as { partial?: Record<string, { length: number; fullLength: number }> } | undefined)?.partial ?? {};
  return new Map(Object.entries(raw).filter(([, v]) => v && Number.isFinite(v.length) && Number.isFinite(v.fullLength)));
}
