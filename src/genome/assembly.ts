// Opens an assembly directory in the UCSC layout (issue 3 item 1):
//   assembly.json                         AssemblyManifest (name, sources, versions, checksums)
//   <name>.2bit | <name>.fa[.gz] (+ .fai, .gzi for bgzip)   sequence
//   <name>.chrom.sizes                    sizes
//   cytoBand.txt[.gz]                     bands (optional: many assemblies have none)
//   ncbiRefSeq.txt | refGene.txt | knownGene.txt [.gz], or an NCBI GFF3   genes (optional)
//   ncbiRefSeqSelect.txt[.gz]             Select/MANE transcripts (optional)
// Sequence and sizes are opened eagerly; annotation and bands are parsed on first use.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Annotation } from './annotation.js';
import { compareChromosomes, isPrimaryChromosome, parseChromSizes } from './chrom-sizes.js';
import { CytoBandIndex, parseCytoBands } from './cytoband.js';
import { parseGenePred } from './genepred.js';
import { parseGff3 } from './gff.js';
import { assemblyDir } from './home.js';
import { openSequenceSource } from './sequence-source.js';
import { readTextFileSync } from './text-file.js';
import type { AssemblyApi, AssemblyManifest, CytoBand, Gene, Interval, SequenceOptions, SequenceSource, Transcript } from './types.js';

export class AssemblyError extends Error {
  override name = 'AssemblyError';
}

/** The files an assembly directory resolved to (absolute paths; undefined when absent). */
export interface AssemblyFiles {
  manifest: string;
  sequence: string;
  chromSizes: string;
  cytoBand?: string;
  genes?: string;
  genesFormat?: 'genePred' | 'gff3';
  select?: string;
}

const GZ = '(?:\\.gz)?';
const GENE_TABLES = ['ncbiRefSeq', 'refGene', 'knownGene'];

/** Finds each role's file in `dir`; lists everything required that is missing. */
export function locateAssemblyFiles(dir: string, name?: string): AssemblyFiles {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new AssemblyError(`assembly directory ${dir} does not exist`);
  const entries = readdirSync(dir);
  const pick = (re: RegExp) => entries.filter((f) => re.test(f)).sort();
  const one = (preferred: string[], fallback: RegExp) => {
    for (const p of preferred) if (entries.includes(p)) return join(dir, p);
    const any = pick(fallback);
    return any.length === 1 ? join(dir, any[0]) : undefined;
  };
  const n = name ?? basename(dir);
  const seqNames = [`${n}.2bit`, ...['fa', 'fasta', 'fna'].flatMap((x) => [`${n}.${x}`, `${n}.${x}.gz`])];
  const sequence = one(seqNames, /\.(2bit|fa|fasta|fna)(\.gz)?$/);
  const chromSizes = one([`${n}.chrom.sizes`, 'chrom.sizes'], /\.chrom\.sizes$/);
  const manifest = entries.includes('assembly.json') ? join(dir, 'assembly.json') : undefined;
  const missing: string[] = [];
  if (!manifest) missing.push('assembly.json');
  if (!sequence) missing.push(`the sequence (${n}.2bit, or ${n}.fa with .fai, or bgzipped ${n}.fa.gz with .fai and .gzi)`);
  if (!chromSizes) missing.push(`${n}.chrom.sizes`);
  if (missing.length) {
    throw new AssemblyError(`assembly directory ${dir} is incomplete; missing: ${missing.join('; ')}. ` +
      `Create one with "genegym assembly fetch <name>" or "genegym assembly import".`);
  }
  const cytoBand = one(['cytoBand.txt', 'cytoBand.txt.gz'], new RegExp(`^cytoBand${GZ}$`));
  let genes: string | undefined;
  let genesFormat: AssemblyFiles['genesFormat'];
  for (const t of GENE_TABLES) {
    const hit = [`${t}.txt`, `${t}.txt.gz`].find((f) => entries.includes(f));
    if (hit) {
      genes = join(dir, hit);
      genesFormat = 'genePred';
      break;
    }
  }
  if (!genes) {
    const gff = pick(/\.gff3?(\.gz)?$/);
    if (gff.length) {
      genes = join(dir, gff[0]);
      genesFormat = 'gff3';
    }
  }
  const select = one(['ncbiRefSeqSelect.txt', 'ncbiRefSeqSelect.txt.gz'], /^$/);
  return { manifest: manifest!, sequence: sequence!, chromSizes: chromSizes!, cytoBand, genes, genesFormat, select };
}

/** Roles as fetch/import/demo record them in assembly.json `files`; a listed file that exists wins. */
function withManifestRoles(files: AssemblyFiles, manifest: AssemblyManifest, dir: string): AssemblyFiles {
  const out = { ...files };
  const path = (role: string) => {
    const rec = manifest.files?.[role];
    if (!rec || typeof rec.path !== 'string') return undefined;
    const p = resolve(dir, rec.path);
    return existsSync(p) ? p : undefined;
  };
  out.sequence = path('twoBit') ?? path('fasta') ?? out.sequence;
  out.chromSizes = path('chromSizes') ?? out.chromSizes;
  out.cytoBand = path('cytoBand') ?? out.cytoBand;
  out.select = path('ncbiRefSeqSelect') ?? out.select;
  const table = GENE_TABLES.map(path).find(Boolean);
  const gff = path('gff');
  if (table) [out.genes, out.genesFormat] = [table, 'genePred'];
  else if (gff && !out.genes) [out.genes, out.genesFormat] = [gff, 'gff3'];
  return out;
}

function isDirectory(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

/** A path if it exists; `demo` builds (or reuses) the demo assembly; otherwise a name under GENEGYM_HOME. */
export async function resolveAssemblyDir(dirOrName: string, opts: { home?: string } = {}): Promise<string> {
  if (isDirectory(dirOrName)) return resolve(dirOrName);
  if (dirOrName === 'demo') {
    // imported lazily: the demo builder is only needed for this name
    const { ensureDemoAssembly } = await import('./demo/index.js');
    return ensureDemoAssembly({ home: opts.home });
  }
  if (/[/\\]/.test(dirOrName)) throw new AssemblyError(`assembly directory ${dirOrName} does not exist`);
  const dir = assemblyDir(dirOrName, opts.home);
  if (!isDirectory(dir)) {
    throw new AssemblyError(`no assembly named ${dirOrName} (looked in ${dir}); fetch it with "genegym assembly fetch ${dirOrName}", or pass a directory`);
  }
  return dir;
}

export async function openAssembly(dirOrName: string, opts: { home?: string } = {}): Promise<AssemblyApi> {
  const dir = await resolveAssemblyDir(dirOrName, opts);
  const first = locateAssemblyFiles(dir);
  let manifest: AssemblyManifest;
  try {
    manifest = JSON.parse(await readFile(first.manifest, 'utf8')) as AssemblyManifest;
  } catch (e) {
    throw new AssemblyError(`${first.manifest} is not valid JSON: ${(e as Error).message}`);
  }
  if (!manifest || typeof manifest.name !== 'string' || manifest.name === '') {
    throw new AssemblyError(`${first.manifest} has no "name"`);
  }
  // with the manifest's name known, prefer <name>.2bit / <name>.chrom.sizes over guesses, and
  // files the manifest names by role over both
  const files = withManifestRoles(manifest.name === basename(dir) ? first : locateAssemblyFiles(dir, manifest.name), manifest, dir);
  const sequence = await openSequenceSource(files.sequence);
  try {
    const sizes = parseChromSizes(readTextFileSync(files.chromSizes), files.chromSizes);
    const mismatched: string[] = [];
    for (const [chrom, size] of sizes) {
      const got = sequence.size(chrom);
      if (got !== size) mismatched.push(`${chrom} (${files.chromSizes}: ${size}, sequence: ${got ?? 'absent'})`);
    }
    if (mismatched.length) {
      throw new AssemblyError(`chrom.sizes and sequence disagree in ${dir}: ${mismatched.slice(0, 5).join(', ')}${mismatched.length > 5 ? ` and ${mismatched.length - 5} more` : ''}`);
    }
    return new OpenAssembly(manifest.name, dir, manifest, sequence, sizes, files);
  } catch (e) {
    await sequence.close();
    throw e;
  }
}

class OpenAssembly implements AssemblyApi {
  private annotationCache?: Annotation;
  private bandCache?: CytoBandIndex;

  constructor(
    readonly name: string,
    readonly dir: string,
    readonly manifest: AssemblyManifest,
    readonly sequence: SequenceSource,
    private readonly sizes: Map<string, number>,
    readonly files: AssemblyFiles,
  ) {}

  chromSizes(): Map<string, number> {
    return new Map(this.sizes);
  }

  primaryChromosomes(): string[] {
    return [...this.sizes.keys()].filter(isPrimaryChromosome).sort(compareChromosomes);
  }

  read(chrom: string, start: number, end: number, opts?: SequenceOptions): Promise<string> {
    return this.sequence.read(chrom, start, end, opts);
  }

  private annotation(): Annotation {
    if (this.annotationCache) return this.annotationCache;
    const { genes, genesFormat, select } = this.files;
    if (!genes) {
      throw new AssemblyError(`assembly ${this.name} has no gene table (${GENE_TABLES.map((t) => `${t}.txt`).join(', ')} or a GFF3) in ${this.dir}`);
    }
    const text = readTextFileSync(genes);
    const transcripts = genesFormat === 'gff3' ? parseGff3(text, {}, genes).transcripts : parseGenePred(text, genes);
    const selectRows = select ? parseGenePred(readTextFileSync(select), select) : [];
    this.annotationCache = new Annotation(transcripts, { select: selectRows });
    return this.annotationCache;
  }

  private bandIndex(): CytoBandIndex {
    if (this.bandCache) return this.bandCache;
    if (!this.files.cytoBand) throw new AssemblyError(`assembly ${this.name} has no cytoBand.txt in ${this.dir}`);
    this.bandCache = new CytoBandIndex(parseCytoBands(readTextFileSync(this.files.cytoBand), this.files.cytoBand));
    return this.bandCache;
  }

  transcripts(): Transcript[] {
    return this.annotation().transcripts();
  }

  transcript(accession: string): Transcript | undefined {
    return this.annotation().transcript(accession);
  }

  gene(symbol: string): Gene {
    return this.annotation().gene(symbol);
  }

  genes(): Gene[] {
    return this.annotation().genes();
  }

  bandAt(chrom: string, pos0: number): CytoBand | undefined {
    return this.bandIndex().bandAt(chrom, pos0);
  }

  bandRange(chrom: string, name: string): Interval | undefined {
    return this.bandIndex().bandRange(chrom, name);
  }

  bands(chrom?: string): CytoBand[] {
    return this.bandIndex().bands(chrom);
  }

  close(): Promise<void> {
    return this.sequence.close();
  }
}
