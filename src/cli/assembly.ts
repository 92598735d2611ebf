// `genegym assembly ...`: look at, fetch, import and build assemblies. `<assembly>` is a name
// (demo, hg38: looked up under GENEGYM_HOME) or a directory; it defaults to the built-in demo.
// Text coordinates are 1-based inclusive, as people write them.

import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { openAssembly } from '../genome/assembly.js';
import { formatBand } from '../genome/cytoband.js';
import { parsePosition, parseRegion, formatRegion } from '../genome/coords.js';
import { exonsInTranscriptOrder } from '../genome/genepred.js';
import { reverseComplement } from '../genome/revcomp.js';
import { DamagedFileError } from '../genome/text-file.js';
import { CoordinateError, type AssemblyApi, type Transcript } from '../genome/types.js';

const DEFAULT_ASSEMBLY = 'demo';

/** Where command results go (stdout); tests swap `write` to capture output in-process. */
export const assemblyOutput = {
  write(text: string): void {
    process.stdout.write(text);
  },
};
const print = (text: string) => assemblyOutput.write(text.endsWith('\n') ? text : text + '\n');

async function withAssembly<T>(name: string, fn: (a: AssemblyApi) => Promise<T> | T): Promise<T> {
  const a = await openAssembly(name);
  try {
    return await fn(a);
  } finally {
    await a.close();
  }
}

/** A location argument: chr:pos or chr:start-end (commas allowed). */
const LOCATION = /^[^\s:][^\s]*:[\d,]+(-[\d,]+)?$/;

/** `cmd [assembly] <location...>`: when the first argument is a location, the demo is meant. */
function splitLocations(args: string[]): [string, string[]] {
  if (args.length === 0) throw new Error('expected at least one location such as chr1:1000-2000');
  if (args.length === 1 || (LOCATION.test(args[0]) && !existsSync(args[0]))) return [DEFAULT_ASSEMBLY, args];
  return [args[0], args.slice(1)];
}

/** `cmd [assembly] <arg>`: one positional means the default assembly. */
function splitArgs(first: string, second: string | undefined): [string, string] {
  return second === undefined ? [DEFAULT_ASSEMBLY, first] : [first, second];
}

function checkChrom(a: AssemblyApi, chrom: string): number {
  const size = a.chromSizes().get(chrom);
  if (size === undefined) {
    const names = [...a.chromSizes().keys()];
    const hint = names.find((n) => n.toLowerCase() === chrom.toLowerCase() || n === `chr${chrom}`);
    throw new CoordinateError(`no sequence named ${chrom} in assembly ${a.name}${hint ? ` (did you mean ${hint}?)` : ''}; it has ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''}`);
  }
  return size;
}

function wrap(seq: string, width: number): string {
  const lines: string[] = [];
  for (let i = 0; i < seq.length; i += width) lines.push(seq.slice(i, i + width));
  return lines.join('\n');
}

function transcriptJson(t: Transcript) {
  const exons = exonsInTranscriptOrder(t).map((e, i) => ({ number: i + 1, start: e.start + 1, end: e.end, length: e.end - e.start }));
  const coding = t.cdsStart < t.cdsEnd;
  return {
    accession: t.name,
    select: t.select,
    strand: t.strand,
    chrom: t.chrom,
    start: t.txStart + 1,
    end: t.txEnd,
    span: t.txEnd - t.txStart,
    cds: coding ? { start: t.cdsStart + 1, end: t.cdsEnd, length: exons.length ? cdsLength(t) : 0 } : null,
    exonCount: exons.length,
    exonicLength: exons.reduce((n, e) => n + e.length, 0),
    exons,
  };
}

function cdsLength(t: Transcript): number {
  let n = 0;
  for (let i = 0; i < t.exonStarts.length; i++) n += Math.max(0, Math.min(t.exonEnds[i], t.cdsEnd) - Math.max(t.exonStarts[i], t.cdsStart));
  return n;
}

export function registerAssemblyCommands(program: Command): void {
  const asm = program
    .command('assembly')
    .description('reference assemblies: inspect, read sequence, look up bands and genes, fetch from UCSC, import your own, build the demo');

  asm
    .command('info')
    .description('summary of an assembly (default: the built-in synthetic demo)')
    .argument('[assembly]', 'name (demo, hg38) or directory', DEFAULT_ASSEMBLY)
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      await withAssembly(name, (a) => {
        const sizes = a.chromSizes();
        const primary = a.primaryChromosomes();
        let genes: number | null = null;
        let transcripts: number | null = null;
        let bands: number | null = null;
        // an absent table is normal; a damaged one is named, with the fix
        let genesDamaged: string | null = null;
        let bandsDamaged: string | null = null;
        const damage = (e: unknown): string | null => (e instanceof DamagedFileError ? e.message : null);
        try {
          genes = a.genes().length;
          transcripts = a.transcripts().length;
        } catch (e) {
          genesDamaged = damage(e);
        }
        try {
          bands = a.bands().length;
        } catch (e) {
          bandsDamaged = damage(e);
        }
        const damaged = [genesDamaged, bandsDamaged].filter((d): d is string => d !== null);
        const total = [...sizes.values()].reduce((x, y) => x + y, 0);
        const info = {
          name: a.name,
          dir: a.dir,
          description: a.manifest.description,
          synthetic: a.manifest.synthetic,
          sequences: sizes.size,
          totalBases: total,
          primaryChromosomes: Object.fromEntries(primary.map((c) => [c, sizes.get(c)])),
          genes,
          transcripts,
          bands,
          damaged,
          files: Object.fromEntries(Object.entries(a.manifest.files).map(([k, f]) => [k, f.path])),
        };
        if (opts.json) {
          print(JSON.stringify(info, null, 2));
          return;
        }
        const lines = [
          `${info.name}${info.synthetic ? '  [SYNTHETIC - not a real genome]' : ''}`,
          `  ${info.description}`,
          `  directory:   ${info.dir}`,
          `  sequences:   ${info.sequences} (${total.toLocaleString('en-US')} bp)`,
          `  primary:     ${primary.map((c) => `${c} ${sizes.get(c)!.toLocaleString('en-US')}`).join(', ')}`,
          `  genes:       ${genes ?? (genesDamaged ? `DAMAGED: ${genesDamaged}` : 'no gene table')}${transcripts !== null ? ` (${transcripts} transcripts)` : ''}`,
          `  bands:       ${bands ?? (bandsDamaged ? `DAMAGED: ${bandsDamaged}` : 'no cytoBand table')}`,
        ];
        print(lines.join('\n'));
      });
    });

  asm
    .command('seq')
    .description('sequence of regions, 1-based inclusive (chr:start-end), one line each as stored (soft-masked lowercase kept)')
    .argument('<args...>', '[assembly] region... ; assembly is a name or directory (default: the demo), region chr:start-end with commas allowed')
    .option('--upper', 'uppercase (drop the soft-mask)')
    .option('--revcomp', 'reverse complement (the minus strand)')
    .option('--fasta', 'FASTA output (samtools faidx style: >chr:start-end header, 60 bases a line)')
    .action(async (args: string[], opts: { upper?: boolean; revcomp?: boolean; fasta?: boolean }) => {
      const [name, texts] = splitLocations(args);
      const regions = texts.map(parseRegion);
      await withAssembly(name, async (a) => {
        const out: string[] = [];
        for (const [i, region] of regions.entries()) {
          const size = checkChrom(a, region.chrom);
          if (region.end > size) {
            throw new CoordinateError(`${texts[i]} runs past the end of ${region.chrom} (${size.toLocaleString('en-US')} bp)`);
          }
          let seq = await a.read(region.chrom, region.start, region.end);
          if (opts.upper) seq = seq.toUpperCase();
          if (opts.revcomp) seq = reverseComplement(seq);
          if (opts.fasta) out.push(`>${formatRegion(region, { commas: false })}${opts.revcomp ? '/rc' : ''}\n${wrap(seq, 60)}\n`);
          else out.push(seq + '\n');
        }
        assemblyOutput.write(out.join(''));
      });
    });

  asm
    .command('band')
    .description('cytoband at 1-based positions (chr:pos), printed like 1p36.33, one line each')
    .argument('<args...>', '[assembly] position... ; assembly is a name or directory (default: the demo)')
    .action(async (args: string[]) => {
      const [name, texts] = splitLocations(args);
      const positions = texts.map(parsePosition);
      await withAssembly(name, (a) => {
        const out: string[] = [];
        for (const [i, { chrom, pos0 }] of positions.entries()) {
          const size = checkChrom(a, chrom);
          if (pos0 >= size) throw new CoordinateError(`${texts[i]} is past the end of ${chrom} (${size.toLocaleString('en-US')} bp)`);
          const band = a.bandAt(chrom, pos0);
          if (!band) throw new Error(`no cytoband covers ${texts[i]} in assembly ${a.name}`);
          if (!band.name) throw new Error(`${chrom} has no named bands (its cytoBand row is unnamed)`);
          out.push(formatBand(band));
        }
        print(out.join('\n'));
      });
    });

  asm
    .command('gene')
    .description('a gene as JSON: its transcripts with strand, span and exons (1-based), the Select one marked')
    .argument('<assembly-or-symbol>', 'assembly name or directory; omit it to use the demo')
    .argument('[symbol]', 'gene symbol, e.g. MYC (demo genes are DMG1, DMG2, ...)')
    .action(async (first: string, second: string | undefined) => {
      const [name, symbol] = splitArgs(first, second);
      await withAssembly(name, (a) => {
        const g = a.gene(symbol);
        const out = {
          assembly: a.name,
          coordinates: '1-based inclusive',
          symbol: g.symbol,
          chrom: g.chrom,
          strand: g.strand,
          start: g.start + 1,
          end: g.end,
          span: g.end - g.start,
          location: formatRegion({ chrom: g.chrom, start: g.start, end: g.end }),
          proteinCoding: g.proteinCoding,
          select: g.select?.name ?? null,
          transcripts: g.transcripts.map(transcriptJson),
        };
        print(JSON.stringify(out, null, 2));
      });
    });

  asm
    .command('fetch')
    .description('download a UCSC assembly (2bit, chrom.sizes, cytoBand, ncbiRefSeq/refGene, ncbiRefSeqSelect) with resume and md5 checks')
    .argument('<name>', 'UCSC assembly name, e.g. hg38')
    .option('--dir <dir>', 'target directory (default $GENEGYM_HOME/assemblies/<name>)')
    .option('--mirror <url>', 'base URL with the UCSC goldenPath layout (default $GENEGYM_UCSC_URL or https://hgdownload.soe.ucsc.edu/goldenPath)')
    .option('--no-progress', 'no progress output (default: bars on a terminal, a line per 5% or 30 s otherwise)')
    .option('--quiet', 'no per-file log lines on stderr')
    .option('--stall-timeout <seconds>', 'abort and resume a transfer that delivers nothing for this long', '60')
    .option('--attempts <n>', 'failed attempts in a row without progress before giving up on a file', '4')
    .option('--offline', 'do not contact the server: check the assembly already downloaded and exit')
    .action(async (name: string, opts: { dir?: string; mirror?: string; progress?: boolean; quiet?: boolean; stallTimeout: string; attempts: string; offline?: boolean }) => {
      const { fetchAssembly } = await import('../genome/fetch.js');
      const stall = Number(opts.stallTimeout);
      if (!(stall > 0)) throw new Error(`--stall-timeout must be a positive number of seconds, got ${opts.stallTimeout}`);
      const attempts = Number(opts.attempts);
      if (!Number.isInteger(attempts) || attempts < 1) throw new Error(`--attempts must be a positive integer, got ${opts.attempts}`);
      const r = await fetchAssembly(name, {
        dir: opts.dir ? resolve(opts.dir) : undefined,
        mirror: opts.mirror,
        progress: opts.progress === false ? false : undefined,
        log: opts.quiet ? () => {} : undefined,
        stallTimeoutMs: stall * 1000,
        attempts,
        offline: opts.offline,
      });
      for (const s of r.skipped) console.error(`note: skipped ${s}`);
      print(r.dir);
    });

  const collect = (v: string, acc: string[] = []) => [...acc, v];
  asm
    .command('import')
    .description('build an assembly directory from your own files (any organism)')
    .requiredOption('--out <dir>', 'output directory')
    .requiredOption('--name <name>', 'assembly name (file prefix)')
    .requiredOption('--fasta <file>', 'FASTA, plain, gzip or bgzip (repeatable)', collect)
    .option('--chrom-sizes <file>', 'chrom.sizes to check against the FASTA (computed when absent)')
    .option('--cytoband <file>', 'UCSC cytoBand table')
    .option('--genes <file>', 'genePred table (ncbiRefSeq/refGene/knownGene, with or without bin) or NCBI GFF3 (repeatable)', collect)
    .option('--description <text>', 'description for assembly.json')
    .option('--force', 'replace a non-empty output directory')
    .action(async (opts: { out: string; name: string; fasta: string[]; chromSizes?: string; cytoband?: string; genes?: string[]; description?: string; force?: boolean }) => {
      const { importAssembly } = await import('../genome/import.js');
      const r = await importAssembly({
        out: opts.out, name: opts.name, fasta: opts.fasta, chromSizes: opts.chromSizes, cytoBand: opts.cytoband,
        genes: opts.genes, description: opts.description, force: opts.force,
      });
      for (const n of r.notes) console.error(`note: ${n}`);
      print(r.dir);
    });

  asm
    .command('demo')
    .description('build (or reuse) the synthetic demo assembly and print its directory; --out with --scale builds bigger ones')
    .option('--seed <n>', 'seed', (v) => Number(v))
    .option('--out <dir>', 'build into this directory instead of the cache')
    .option('--scale <x>', '"human" (3.1 Gb, ~20,000 genes) or a factor on the demo size', (v) => (v === 'human' || v === 'demo' ? v : Number(v)))
    .option('--name <name>', 'assembly name when building with --out', 'demo')
    .action(async (opts: { seed?: number; out?: string; scale?: number | 'human' | 'demo'; name: string }) => {
      const demo = await import('../genome/demo/index.js');
      if (opts.seed !== undefined && !Number.isSafeInteger(opts.seed)) throw new Error('--seed must be a whole number');
      if (typeof opts.scale === 'number' && !(opts.scale > 0)) throw new Error('--scale must be "human" or a positive number');
      if (!opts.out) {
        if (opts.scale !== undefined && opts.scale !== 'demo') throw new Error('--scale needs --out (the cached demo has the default size)');
        print(await demo.ensureDemoAssembly({ seed: opts.seed }));
        return;
      }
      const started = Date.now();
      const r = await demo.buildDemoAssembly(resolve(opts.out), {
        seed: opts.seed, scale: opts.scale, name: opts.name,
        onProgress: (p) => process.stderr.write(`  ${p.chrom} done (${p.done}/${p.total}, ${(p.bases / 1e6).toFixed(1)} Mb)\n`),
      });
      console.error(`built ${r.summary.bases.toLocaleString('en-US')} bp, ${r.summary.genes} genes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      print(r.dir);
    });
}
