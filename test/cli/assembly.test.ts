import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildProgram } from '../../src/cli/main.js';
import { assemblyOutput } from '../../src/cli/assembly.js';

const run = promisify(execFile);
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(REPO, 'bin', 'genegym.js');
const FIXTURES = resolve(REPO, '../shared/data/hg38');

let home: string;
let demoDir: string;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function genegym(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, GENEGYM_HOME: home, NO_COLOR: '1' },
      maxBuffer: 64 << 20,
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/**
 * Runs a command in this process (cheap: no tsx start-up per call); stdout is captured and an
 * error from the command comes back as `error`. End-to-end runs through bin/genegym.js are in
 * `genegym()` and used sparingly.
 */
async function cli(...args: string[]): Promise<{ stdout: string; error?: Error }> {
  const program = buildProgram().exitOverride();
  let stdout = '';
  const write = assemblyOutput.write;
  assemblyOutput.write = (text: string) => {
    stdout += text;
  };
  try {
    await program.parseAsync(['node', 'genegym', ...args]);
    return { stdout };
  } catch (e) {
    return { stdout, error: e as Error };
  } finally {
    assemblyOutput.write = write;
  }
}

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'genegym-cli-asm-'));
  process.env.GENEGYM_HOME = home;
  const r = await genegym('assembly', 'demo');
  assert.equal(r.code, 0, r.stderr);
  demoDir = r.stdout.trim();
});

after(async () => {
  await rm(home, { recursive: true, force: true });
});

test('assembly demo / info: the default assembly, labelled synthetic', async () => {
  assert.equal(demoDir, join(home, 'assemblies', 'demo'));
  const [info, text] = [await cli('assembly', 'info', '--json'), await cli('assembly', 'info', 'demo')];
  assert.equal(info.error, undefined);
  const j = JSON.parse(info.stdout);
  assert.equal(j.name, 'demo');
  assert.equal(j.synthetic, true);
  assert.equal(j.primaryChromosomes.chrM, 16569);
  assert.ok(j.genes >= 200);
  assert.match(text.stdout, /SYNTHETIC - not a real genome/);
  const cached = await cli('assembly', 'demo');
  assert.equal(cached.stdout.trim(), demoDir, 'a second run reuses the cached build');
});

test('assembly seq: 1-based inclusive, one line as stored; --upper, --revcomp, --fasta', async () => {
  const sizes = new Map((await readFile(join(demoDir, 'demo.chrom.sizes'), 'utf8')).trim().split('\n').map((l) => l.split('\t')).map(([c, n]) => [c, Number(n)]));
  const plain = await cli('assembly', 'seq', 'chr1:9,991-10,130');
  const named = await cli('assembly', 'seq', demoDir, 'chr1:9991-10130', 'chr1:9991-10000');
  const upper = await cli('assembly', 'seq', 'chr1:9991-10130', '--upper');
  const rc = await cli('assembly', 'seq', 'chr1:9991-10130', '--revcomp');
  // end to end through bin/genegym.js
  const fasta = await genegym('assembly', 'seq', 'chr1:9991-10130', '--fasta');
  assert.equal(plain.error, undefined);
  const s = plain.stdout.trimEnd();
  assert.equal(s.length, 140);
  assert.equal(s.slice(0, 10), 'NNNNNNNNNN', 'positions 9991-10000 are the end of the 10 kb telomere gap');
  assert.notEqual(s[10], 'N');
  assert.equal(named.stdout, `${s}\n${s.slice(0, 10)}\n`, 'an assembly directory and several regions');
  assert.equal(upper.stdout.trimEnd(), s.toUpperCase());
  const comp: Record<string, string> = { A: 'T', C: 'G', G: 'C', T: 'A', N: 'N', a: 't', c: 'g', g: 'c', t: 'a', n: 'n' };
  assert.equal(rc.stdout.trimEnd(), [...s].reverse().map((c) => comp[c]).join(''));
  assert.equal(fasta.code, 0, fasta.stderr);
  assert.equal(fasta.stdout, `>chr1:9991-10130\n${s.slice(0, 60)}\n${s.slice(60, 120)}\n${s.slice(120)}\n`);
  assert.ok(sizes.get('chr1')! > 10130);
});

test('assembly band and gene on the demo', async () => {
  const bands = (await readFile(join(demoDir, 'cytoBand.txt'), 'utf8')).trim().split('\n').map((l) => l.split('\t'));
  const b = bands.find((x) => x[0] === 'chr2' && x[3].startsWith('q'))!;
  const pos1 = Number(b[1]) + 1; // first base of the band, 1-based
  const select = (await readFile(join(demoDir, 'ncbiRefSeqSelect.txt'), 'utf8')).trim().split('\n').map((l) => l.split('\t'));
  const multi = (await readFile(join(demoDir, 'ncbiRefSeq.txt'), 'utf8')).trim().split('\n').map((l) => l.split('\t'));
  const counts = new Map<string, number>();
  for (const r of multi) counts.set(r[12], (counts.get(r[12]) ?? 0) + 1);
  const symbol = [...counts].find(([, n]) => n >= 3)![0];
  const sel = select.find((r) => r[12] === symbol)!;
  const band = await cli('assembly', 'band', `chr2:${pos1}`, `chr2:${pos1 - 1}`);
  const gene = await cli('assembly', 'gene', 'demo', symbol);
  assert.equal(band.error, undefined);
  const prev = bands[bands.indexOf(b) - 1];
  // a band boundary: the base before the band's first base is in the previous band
  assert.equal(band.stdout, `2${b[3]}\n2${prev[3]}\n`);
  assert.equal(gene.error, undefined);
  const g = JSON.parse(gene.stdout);
  assert.equal(g.symbol, symbol);
  assert.equal(g.coordinates, '1-based inclusive');
  assert.equal(g.transcripts.length, counts.get(symbol));
  assert.equal(g.transcripts.filter((t: { select: boolean }) => t.select).length, 1);
  assert.equal(g.select, sel[1]);
  const st = g.transcripts.find((t: { accession: string }) => t.accession === sel[1]);
  assert.equal(st.strand, sel[3]);
  assert.equal(st.start, Number(sel[4]) + 1);
  assert.equal(st.end, Number(sel[5]));
  assert.equal(st.exonCount, Number(sel[8]));
  const starts = sel[9].split(',').filter(Boolean).map(Number);
  const ends = sel[10].split(',').filter(Boolean).map(Number);
  const first = sel[3] === '+' ? 0 : starts.length - 1;
  assert.deepEqual(st.exons[0], { number: 1, start: starts[first] + 1, end: ends[first], length: ends[first] - starts[first] });
});

test('clear errors: bad coordinates, unknown chromosome, unknown gene, unknown assembly', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['seq', 'chr1:20-10'], /end 10 is before start 20/],
    [['seq', 'chr1:1-999999999'], /runs past the end of chr1/],
    [['seq', 'chr99:1-10'], /no sequence named chr99 in assembly demo/],
    [['seq', 'chr1:1-x'], /bad end "x"/],
    [['band', 'chr1:5-6'], /expected a single position/],
    [['gene', 'NOTAGENE'], /NOTAGENE/],
    [['info', 'nosuchassembly'], /no assembly named nosuchassembly/],
  ];
  for (const [args, re] of cases) {
    const r = await cli('assembly', ...args);
    assert.ok(r.error, `${args.join(' ')} should fail`);
    assert.match(r.error.message, re);
    assert.equal(r.stdout, '');
  }
  // end to end: exit status 1, one "genegym: ..." line on stderr, nothing on stdout
  const r = await genegym('assembly', 'seq', 'chr1:0-10');
  assert.equal(r.code, 1);
  // (the launcher's own note that dist/ is stale may come first in a working tree; CI builds first)
  const errLines = r.stderr.split('\n').filter((l) => l && !/dist\/ is older than src\//.test(l));
  assert.deepEqual(errLines, ['genegym: start must be >= 1 in "chr1:0-10" (coordinates are 1-based)']);
  assert.equal(r.stdout, '');
});

function samtoolsAvailable(): boolean {
  return spawnSync('samtools', ['--version'], { stdio: 'ignore' }).status === 0;
}

test('real hg38 chrM + chr2: import, then seq --fasta matches samtools faidx on the same regions', async (t) => {
  const chrM = join(FIXTURES, 'chrM.fa');
  const chr2 = join(FIXTURES, 'chr2_1-2333275.fa.gz');
  if (!existsSync(chrM) || !existsSync(chr2)) {
    const msg = `hg38 fixtures missing under ${FIXTURES}`;
    if (process.env.CI === 'true') assert.fail(`${msg} (required under CI=true)`);
    console.warn(`WARNING: skipping, ${msg}`);
    return t.skip(msg);
  }
  if (!samtoolsAvailable()) {
    const msg = 'samtools is not installed (apt-get install -y samtools)';
    if (process.env.CI === 'true') assert.fail(`${msg}; CI installs it`);
    console.warn(`WARNING: skipping, ${msg}`);
    return t.skip(msg);
  }
  const work = join(home, 'real');
  const imp = await genegym('assembly', 'import', '--out', work, '--name', 'hg38part', '--fasta', chrM, '--fasta', chr2);
  assert.equal(imp.code, 0, imp.stderr);
  assert.equal(imp.stdout.trim(), work);
  // samtools writes a .fai beside the FASTA: use a copy, the fixtures are read-only
  const chrMCopy = join(home, 'chrM.fa');
  await copyFile(chrM, chrMCopy);
  const regions: Array<[string, string]> = [
    [chrMCopy, 'chrM:1-20'],
    [chrMCopy, 'chrM:3100-3115'],
    [chrMCopy, 'chrM:1-16569'],
    [chr2, 'chr2:9990-10100'],
    [chr2, 'chr2:1789113-1790000'],
    [chr2, 'chr2:2331000-2333275'],
  ];
  const ours = await cli('assembly', 'seq', work, ...regions.map((r) => r[1]), '--fasta');
  assert.equal(ours.error, undefined);
  const theirs = regions.map(([fa, region]) => {
    const out = spawnSync('samtools', ['faidx', fa, region], { encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    return out.stdout;
  });
  assert.equal(ours.stdout, theirs.join(''), 'seq --fasta differs from samtools faidx');
  const rcOurs = await cli('assembly', 'seq', work, 'chrM:3000-3200', '--fasta', '--revcomp');
  const rcTheirs = spawnSync('samtools', ['faidx', '-i', chrMCopy, 'chrM:3000-3200'], { encoding: 'utf8' });
  assert.equal(rcOurs.stdout, rcTheirs.stdout, 'reverse complement differs from samtools faidx -i');
  const first = await cli('assembly', 'seq', work, 'chrM:1-20');
  assert.equal(first.stdout, 'GATCACAGGTCTATCACCCT\n');
});
