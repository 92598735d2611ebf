import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { DirLockedError, fetchAssembly, parseMd5Sums, type FetchOptions } from '../../src/genome/fetch.js';
import { LOCK_FILE } from '../../src/genome/fetch/lock.js';
import { formatBytes, Progress } from '../../src/genome/fetch/progress.js';
import { openAssembly } from '../../src/genome/assembly.js';
import { processStartTime } from '../../src/platform/process.js';
import { DamagedFileError } from '../../src/genome/text-file.js';
import type { AssemblyManifest } from '../../src/genome/types.js';
import { addTinyAssembly, LAST_MODIFIED, RangeServer } from './range-server.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let root: string;
const srv = new RangeServer();
const TWOBIT = '/tiny/bigZips/tiny.2bit';
const CYTO = '/tiny/database/cytoBand.txt.gz';
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
let n = 0;
const freshDir = () => join(root, `out${n++}`);

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'genegym-fetch-'));
  await srv.start();
  await addTinyAssembly(srv, 'tiny', root);
  // "bad": the same files, but md5sum.txt lies about chrom.sizes
  for (const [p, b] of [...srv.files]) if (p.startsWith('/tiny/')) srv.files.set(p.replace('/tiny/', '/bad/').replace(/tiny\./, 'bad.'), b);
  srv.files.set('/bad/bigZips/md5sum.txt', Buffer.from(`${md5(srv.files.get(TWOBIT)!)}  bad.2bit\n${'0'.repeat(32)}  bad.chrom.sizes\n`));
  // "trunc": its cytoBand table is a gzip stream cut in half on the server itself
  for (const [p, b] of [...srv.files]) if (p.startsWith('/tiny/')) srv.files.set(p.replace('/tiny/', '/trunc/').replace(/tiny\./, 'trunc.'), b);
  srv.files.set('/trunc/bigZips/md5sum.txt', Buffer.from(`${md5(srv.files.get(TWOBIT)!)}  trunc.2bit\n${md5(srv.files.get('/tiny/bigZips/tiny.chrom.sizes')!)}  trunc.chrom.sizes\n`));
  const cyto = gzipSync(Buffer.from('chr1\t0\t150000\tp11.1\tacen\n'.repeat(2000)));
  srv.files.set('/trunc/database/cytoBand.txt.gz', cyto.subarray(0, Math.floor(cyto.length / 2)));
});

after(async () => {
  await srv.stop();
  await rm(root, { recursive: true, force: true });
});

function quiet(lines: string[] = []): FetchOptions {
  return { progress: false, log: (l) => lines.push(l), stallTimeoutMs: 1500, retryDelayMs: 10, mirror: srv.base };
}

const manifestOf = async (dir: string) => JSON.parse(await readFile(join(dir, 'assembly.json'), 'utf8')) as AssemblyManifest;

test('parseMd5Sums reads md5sum.txt lines', () => {
  const m = parseMd5Sums(`d41d8cd98f00b204e9800998ecf8427e  hg38.2bit\nD41D8CD98F00B204E9800998ECF8427F *hg38.chrom.sizes\ngarbage\n`);
  assert.equal(m.get('hg38.2bit'), 'd41d8cd98f00b204e9800998ecf8427e');
  assert.equal(m.get('hg38.chrom.sizes'), 'd41d8cd98f00b204e9800998ecf8427f');
  assert.equal(m.size, 2);
});

test('downloads the layout, resumes a broken transfer with Range, verifies md5, falls back to refGene', async () => {
  srv.requests.length = 0;
  srv.inject(TWOBIT, 'cut');
  const dir = freshDir();
  const r = await fetchAssembly('tiny', { dir, ...quiet() });
  const got = await readFile(join(dir, 'tiny.2bit'));
  assert.ok(got.equals(srv.files.get(TWOBIT)!), '2bit is byte-identical after the resume');
  const reqs = srv.of(TWOBIT);
  assert.ok(reqs.length >= 2);
  assert.equal(reqs[0].range, undefined);
  const resumedAt = Number(/^bytes=(\d+)-$/.exec(reqs[1].range ?? '')?.[1]);
  assert.ok(resumedAt > 0 && resumedAt < got.length, `second request resumes mid-file (${reqs[1].range})`);
  assert.equal(reqs[1].ifRange, RangeServer.etag(got), 'If-Range carries the ETag');
  assert.ok(srv.requests.some((q) => q.path === '/tiny/database/ncbiRefSeq.txt.gz'));
  assert.ok(existsSync(join(dir, 'refGene.txt.gz')));
  assert.ok(r.skipped.some((s) => s.includes('ncbiRefSeqSelect')));
  assert.deepEqual((await readdir(dir)).filter((f) => f.includes('.part') || f === LOCK_FILE), [], 'no .part or lock files left');
  const m = await manifestOf(dir);
  assert.equal(m.name, 'tiny');
  assert.equal(m.files.twoBit.url, `${srv.base}/tiny/bigZips/tiny.2bit`);
  assert.equal(m.files.twoBit.bytes, got.length);
  assert.equal(m.files.twoBit.version, LAST_MODIFIED);
  assert.equal(m.files.twoBit.etag, RangeServer.etag(got));
  assert.equal(m.files.twoBit.md5, md5(got));
  assert.match(m.files.refGene.sha256 ?? '', /^[0-9a-f]{64}$/);
  const a = await openAssembly(dir);
  try {
    assert.equal(a.gene('TINY1').transcripts[0].name, 'NM_000001.1');
    assert.equal(a.bandAt('chr1', 149_999)?.name, 'p11.1');
    assert.equal(await a.read('chrM', 0, 10), 'GATCACAGGT');
  } finally {
    await a.close();
  }
});

test('an interrupted run keeps its .part, says how to resume, and the next run resumes (GENEGYM_UCSC_URL as mirror)', async () => {
  srv.requests.length = 0;
  const dir = freshDir();
  const saved = process.env.GENEGYM_UCSC_URL;
  process.env.GENEGYM_UCSC_URL = srv.base;
  const { mirror: _m, ...opts } = quiet();
  try {
    // attempts: 1, and a cut that made progress resets the count: the 503 after it ends the run
    srv.inject(TWOBIT, 'cut', 'unavailable');
    await assert.rejects(fetchAssembly('tiny', { dir, attempts: 1, ...opts }), /download failed after 1 attempt without progress .*bytes are kept in tiny\.2bit\.part: run the command again to resume/);
    assert.ok(existsSync(join(dir, 'tiny.2bit.part')));
    assert.ok(!existsSync(join(dir, 'tiny.2bit')));
    await fetchAssembly('tiny', { dir, attempts: 1, ...opts });
  } finally {
    if (saved === undefined) delete process.env.GENEGYM_UCSC_URL;
    else process.env.GENEGYM_UCSC_URL = saved;
  }
  const reqs = srv.of(TWOBIT);
  assert.match(reqs.at(-1)!.range ?? '', /^bytes=[1-9]\d*-$/, 'the last request resumes');
  assert.ok((await readFile(join(dir, 'tiny.2bit'))).equals(srv.files.get(TWOBIT)!));
});

test('attempts count only failures without progress: five cuts in a row still finish with attempts 2', async () => {
  srv.clearFaults();
  srv.inject(TWOBIT, 'cut', 'cut', 'cut', 'cut', 'cut');
  const dir = freshDir();
  await fetchAssembly('tiny', { dir, ...quiet(), attempts: 2 });
  assert.ok((await readFile(join(dir, 'tiny.2bit'))).equals(srv.files.get(TWOBIT)!));
});

test('server errors are retried with doubling delays and the cause is named; a message without progress ends it', async () => {
  srv.clearFaults();
  srv.inject(TWOBIT, 'unavailable', 'unavailable');
  const lines: string[] = [];
  const dir = freshDir();
  await fetchAssembly('tiny', { dir, ...quiet(lines) });
  const retries = lines.filter((l) => l.startsWith('tiny.2bit: HTTP 503'));
  assert.deepEqual(retries.map((l) => /in ([\d.]+) s$/.exec(l)?.[1]), ['0.01', '0.02'], lines.join('\n'));
  srv.inject(TWOBIT, 'unavailable', 'unavailable', 'unavailable');
  await assert.rejects(fetchAssembly('tiny', { dir: freshDir(), ...quiet(), attempts: 3 }), /tiny\.2bit: download failed after 3 attempts without progress \(last: HTTP 503 Service Unavailable\)\.$/);
});

test('connection errors name their cause', async () => {
  const port = await closedPort();
  await assert.rejects(
    fetchAssembly('tiny', { dir: freshDir(), ...quiet(), mirror: `http://127.0.0.1:${port}`, attempts: 2 }),
    /md5sum\.txt: download failed after 2 attempts without progress \(last: fetch failed: ECONNREFUSED/,
  );
});

test('a 416 whose bytes */N equals the .part completes the file without downloading it again', async () => {
  srv.clearFaults();
  const dir = freshDir();
  await mkdir(dir, { recursive: true });
  const body = srv.files.get(TWOBIT)!;
  // the state a kill between the last write and the rename leaves behind
  await writeFile(join(dir, 'tiny.2bit.part'), body);
  await writeFile(join(dir, 'tiny.2bit.part.json'), JSON.stringify({ url: `${srv.base}${TWOBIT}`, etag: RangeServer.etag(body) }));
  srv.requests.length = 0;
  await fetchAssembly('tiny', { dir, ...quiet() });
  assert.deepEqual(srv.of(TWOBIT).map((r) => [r.status, r.range]), [[416, `bytes=${body.length}-`]]);
  assert.ok((await readFile(join(dir, 'tiny.2bit'))).equals(body));
});

test('a 206 that starts at the wrong byte, a server that ignores Range, and a 416 for a wrong-sized part all restart cleanly', async () => {
  const body = srv.files.get(TWOBIT)!;
  for (const fault of ['wrong-start', 'ignore-range', 'always-416'] as const) {
    srv.clearFaults();
    const dir = freshDir();
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'tiny.2bit.part'), body.subarray(0, 5000));
    await writeFile(join(dir, 'tiny.2bit.part.json'), JSON.stringify({ url: `${srv.base}${TWOBIT}`, etag: RangeServer.etag(body) }));
    srv.inject(TWOBIT, fault);
    srv.requests.length = 0;
    await fetchAssembly('tiny', { dir, ...quiet() });
    assert.ok((await readFile(join(dir, 'tiny.2bit'))).equals(body), `${fault}: byte-identical`);
    assert.equal(srv.of(TWOBIT).at(-1)!.status, fault === 'ignore-range' ? 200 : 200, `${fault}: ends with a whole-file transfer`);
  }
});

test('a checksum mismatch is retried, then fails clearly; the bad file is deleted and no manifest written', async () => {
  srv.clearFaults();
  const dir = freshDir();
  await assert.rejects(
    fetchAssembly('bad', { dir, ...quiet(), attempts: 2 }),
    /md5 mismatch for bad\.chrom\.sizes: md5sum\.txt says 0{32}, downloaded file has [0-9a-f]{32}; the download was deleted/,
  );
  assert.ok(!existsSync(join(dir, 'bad.chrom.sizes')));
  assert.ok(!existsSync(join(dir, 'bad.chrom.sizes.part')));
  assert.ok(!existsSync(join(dir, 'assembly.json')), 'no manifest for a failed fetch');
});

test('a byte flipped in transit in the 2bit or in a table is caught and downloaded again', async () => {
  srv.clearFaults();
  srv.requests.length = 0;
  srv.inject(TWOBIT, 'flip');
  srv.inject(CYTO, 'flip');
  const lines: string[] = [];
  const dir = freshDir();
  await fetchAssembly('tiny', { dir, ...quiet(lines) });
  assert.ok(lines.some((l) => /^tiny\.2bit: md5 mismatch/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^cytoBand\.txt\.gz: cytoBand\.txt\.gz is damaged/.test(l)), lines.join('\n'));
  assert.ok((await readFile(join(dir, 'cytoBand.txt.gz'))).equals(srv.files.get(CYTO)!));
  assert.equal(srv.of(CYTO).length, 2);
});

test('a table damaged on the server is deleted, named, and left out of assembly.json; the rest is usable', async () => {
  srv.clearFaults();
  const dir = freshDir();
  await assert.rejects(fetchAssembly('trunc', { dir, ...quiet(), attempts: 2 }), (e: Error) => {
    assert.match(e.message, /1 table was damaged on every attempt and left out of/);
    assert.match(e.message, /cytoBand\.txt\.gz is damaged: it does not decompress \(unexpected end of file\)/);
    return true;
  });
  assert.ok(!existsSync(join(dir, 'cytoBand.txt.gz')));
  const m = await manifestOf(dir);
  assert.equal(m.files.cytoBand, undefined, 'only verified files are recorded');
  assert.ok(m.files.twoBit && m.files.refGene);
  const a = await openAssembly(dir);
  try {
    assert.equal(a.gene('TINY1').transcripts[0].name, 'NM_000001.1');
  } finally {
    await a.close();
  }
});

test('a table damaged on disk later is named with the fix, by the reader and by `assembly info`', async () => {
  srv.clearFaults();
  const dir = freshDir();
  await fetchAssembly('tiny', { dir, ...quiet() });
  const good = await readFile(join(dir, 'cytoBand.txt.gz'));
  const bad = Buffer.from(good);
  bad[Math.floor(bad.length / 2)] ^= 0xff;
  await writeFile(join(dir, 'cytoBand.txt.gz'), bad);
  const a = await openAssembly(dir);
  try {
    assert.throws(() => a.bandAt('chr1', 10), (e: Error) => e instanceof DamagedFileError && /cytoBand\.txt\.gz is damaged \(.+\); download it again with `genegym assembly fetch/.test(e.message));
  } finally {
    await a.close();
  }
  const out = await cli(['assembly', 'info', dir]);
  assert.match(out, /bands: +DAMAGED: .*cytoBand\.txt\.gz is damaged/);
  assert.match(out, /genes: +1 \(1 transcripts\)/);
  // the commands that read it say the same, never a bare zlib error
  await assert.rejects(cli(['assembly', 'band', dir, 'chr1:10']), /cytoBand\.txt\.gz is damaged \(.+\); download it again with `genegym assembly fetch/);
  const refGene = await readFile(join(dir, 'refGene.txt.gz'));
  refGene[Math.floor(refGene.length / 2)] ^= 0xff;
  await writeFile(join(dir, 'refGene.txt.gz'), refGene);
  await assert.rejects(cli(['assembly', 'gene', dir, 'TINY1']), /refGene\.txt\.gz is damaged \(.+\); download it again with `genegym assembly fetch/);
});

test('a second fetch asks "changed since?" and keeps every file on a 304 or an md5 match', async () => {
  srv.clearFaults();
  const dir = freshDir();
  await fetchAssembly('tiny', { dir, ...quiet() });
  const first = await manifestOf(dir);
  srv.requests.length = 0;
  const r = await fetchAssembly('tiny', { dir, ...quiet() });
  assert.ok(!srv.requests.some((q) => q.path === TWOBIT), '2bit vouched for by md5sum.txt, not requested');
  for (const q of srv.requests.filter((x) => x.status !== 404)) {
    assert.equal(q.status, 304, `${q.path} answered 304`);
    assert.ok(q.ifNoneMatch, `${q.path} sent If-None-Match`);
  }
  assert.deepEqual(r.kept.sort(), ['cytoBand.txt.gz', 'md5sum.txt', 'refGene.txt.gz', 'tiny.2bit', 'tiny.chrom.sizes']);
  const second = await manifestOf(dir);
  assert.deepEqual(second.files, first.files);
});

test('with no network a complete assembly is kept (exit 0); --offline never connects; incomplete ones fail clearly', async () => {
  srv.clearFaults();
  const dir = freshDir();
  await fetchAssembly('tiny', { dir, ...quiet() });
  const port = await closedPort();
  const lines: string[] = [];
  const r = await fetchAssembly('tiny', { dir, ...quiet(lines), mirror: `http://127.0.0.1:${port}` });
  assert.equal(r.offline, true);
  assert.ok(lines.some((l) => /could not reach http:\/\/127\.0\.0\.1:\d+ \(fetch failed: ECONNREFUSED.*holds a complete assembly/.test(l)), lines.join('\n'));
  srv.requests.length = 0;
  const off = await fetchAssembly('tiny', { dir, ...quiet(), offline: true });
  assert.equal(off.offline, true);
  assert.equal(srv.requests.length, 0);
  await rm(join(dir, 'refGene.txt.gz'));
  await assert.rejects(fetchAssembly('tiny', { dir, ...quiet(), offline: true }), /--offline: the assembly in .* is not complete \(missing: refGene\.txt\.gz\)/);
  await assert.rejects(fetchAssembly('tiny', { dir, ...quiet(), mirror: `http://127.0.0.1:${port}`, attempts: 1 }), /ECONNREFUSED/);
});

test('one fetch per directory: a second is refused while the first runs; a stale lock is taken over', async () => {
  srv.clearFaults();
  const dir = freshDir();
  const first = fetchAssembly('tiny', { dir, ...quiet() });
  await assert.rejects(fetchAssembly('tiny', { dir, ...quiet() }), (e: Error) => e instanceof DirLockedError && new RegExp(`another genegym assembly fetch \\(pid ${process.pid}\\) is writing to`).test(e.message));
  await first;
  assert.ok(!existsSync(join(dir, LOCK_FILE)));
  await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 17, started: '1' }));
  await fetchAssembly('tiny', { dir, ...quiet() });
  assert.ok(!existsSync(join(dir, LOCK_FILE)));
});

test('without a terminal, progress is a line per 5% (or per 30 s when the size is unknown); sizes read well when small', () => {
  const out: string[] = [];
  let t = 0;
  const p = new Progress({ mode: 'lines', write: (s) => out.push(s.trim()), now: () => t });
  const f = p.file('hg38.2bit', 1000, 0, () => {});
  for (let v = 10; v <= 1000; v += 10) f.update(v);
  assert.equal(out.length, 20);
  assert.equal(out[0], 'hg38.2bit: 5% (50 B of 1.0 kB)');
  assert.equal(out.at(-1), 'hg38.2bit: 100% (1.0 kB of 1.0 kB)');
  out.length = 0;
  const g = p.file('x.txt.gz', 0, 0, () => {});
  g.update(100);
  t = 29_999;
  g.update(200);
  t = 30_000;
  g.update(300_000);
  assert.deepEqual(out, ['x.txt.gz: 300 kB']);
  assert.equal(formatBytes(812), '812 B');
  assert.equal(formatBytes(3_100_000), '3.1 MB');
  assert.equal(formatBytes(824_000_000), '824 MB');
});

test('genegym assembly fetch through the CLI: --mirror --dir --stall-timeout --attempts, and bad flag values', async () => {
  srv.clearFaults();
  const dir = freshDir();
  const out = await cli(['assembly', 'fetch', 'tiny', '--mirror', srv.base, '--dir', dir, '--no-progress', '--quiet', '--stall-timeout', '5', '--attempts', '3']);
  assert.equal(out, `${dir}\n`);
  assert.equal((await manifestOf(dir)).files.chromSizes.url, `${srv.base}/tiny/bigZips/tiny.chrom.sizes`);
  await assert.rejects(cli(['assembly', 'fetch', 'tiny', '--dir', dir, '--stall-timeout', '0']), /--stall-timeout must be a positive number/);
  await assert.rejects(cli(['assembly', 'fetch', 'tiny', '--dir', dir, '--attempts', 'x']), /--attempts must be a positive integer/);
  assert.equal(await cli(['assembly', 'fetch', 'tiny', '--dir', dir, '--offline', '--quiet']), `${dir}\n`);
  // faults through the command too: a flipped byte is fetched again; a table damaged on the server is named
  srv.inject(TWOBIT, 'flip');
  const flipped = freshDir();
  assert.equal(await cli(['assembly', 'fetch', 'tiny', '--mirror', srv.base, '--dir', flipped, '--no-progress', '--quiet']), `${flipped}\n`);
  assert.ok((await readFile(join(flipped, 'tiny.2bit'))).equals(srv.files.get(TWOBIT)!));
  await assert.rejects(cli(['assembly', 'fetch', 'trunc', '--mirror', srv.base, '--dir', freshDir(), '--no-progress', '--quiet', '--attempts', '1']), /cytoBand\.txt\.gz is damaged: it does not decompress/);
});

test('every fault through the genegym command (a real process): a verified file and exit 0, or exit 1 with a message naming the file', { timeout: 120_000 }, async () => {
  const body = srv.files.get(TWOBIT)!;
  const fetchCmd = (dir: string, ...extra: string[]) => genegymProcess(['assembly', 'fetch', 'tiny', '--mirror', srv.base, '--dir', dir, '--stall-timeout', '1', ...extra]);
  const identical = async (dir: string) => assert.ok((await readFile(join(dir, 'tiny.2bit'))).equals(body), `${dir}: 2bit byte-identical`);

  // a stall and a dropped connection mid-transfer: resumed by Range; progress lines without a terminal
  for (const fault of ['cut', 'drop'] as const) {
    srv.clearFaults();
    srv.inject(TWOBIT, fault);
    srv.requests.length = 0;
    const dir = freshDir();
    const r = await fetchCmd(dir);
    assert.equal(r.code, 0, `${fault}: ${r.stderr}`);
    assert.equal(r.stdout, `${dir}\n`);
    await identical(dir);
    assert.match(r.stderr, /tiny\.2bit: transfer broke off at byte \d+ \(.+\); will resume at byte [1-9]\d*/, `${fault}: ${r.stderr}`);
    assert.match(r.stderr, /tiny\.2bit: resuming at byte [1-9]\d*/);
    assert.match(r.stderr, /^tiny\.2bit: \d+% \(/m, 'a progress line per 5% on stderr');
    assert.match(srv.of(TWOBIT).at(-1)!.range ?? '', /^bytes=[1-9]\d*-$/, `${fault}: the last request resumed`);
  }

  // a .part left behind, then: the whole file already there (416 bytes */N), a 206 at the wrong
  // byte, a server that ignores Range, a 416 for a part of the wrong size
  for (const [fault, partBytes] of [[undefined, body.length], ['wrong-start', 5000], ['ignore-range', 5000], ['always-416', 5000]] as const) {
    srv.clearFaults();
    if (fault) srv.inject(TWOBIT, fault);
    const dir = freshDir();
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'tiny.2bit.part'), body.subarray(0, partBytes));
    await writeFile(join(dir, 'tiny.2bit.part.json'), JSON.stringify({ url: `${srv.base}${TWOBIT}`, etag: RangeServer.etag(body) }));
    srv.requests.length = 0;
    const r = await fetchCmd(dir, '--no-progress');
    assert.equal(r.code, 0, `${fault ?? 'complete part'}: ${r.stderr}`);
    await identical(dir);
    assert.ok(!existsSync(join(dir, 'tiny.2bit.part')));
    if (!fault) assert.deepEqual(srv.of(TWOBIT).map((q) => q.status), [416], 'a complete .part is kept, not downloaded again');
  }

  // a server that keeps failing: exit 1, the file and the last status named
  srv.clearFaults();
  srv.inject(TWOBIT, 'unavailable', 'unavailable');
  const failing = await fetchCmd(freshDir(), '--no-progress', '--attempts', '2');
  assert.equal(failing.code, 1, failing.stderr);
  assert.match(failing.stderr, /^genegym: .*tiny\.2bit: download failed after 2 attempts without progress \(last: HTTP 503 Service Unavailable\)/m);

  // a second fetch into a directory another live fetch holds: refused, naming the owner
  srv.clearFaults();
  const locked = freshDir();
  await mkdir(locked, { recursive: true });
  await writeFile(join(locked, LOCK_FILE), JSON.stringify({ pid: process.pid, started: processStartTime(process.pid) }));
  const refused = await fetchCmd(locked, '--no-progress');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, new RegExp(`another genegym assembly fetch \\(pid ${process.pid}\\) is writing to ${locked.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.ok(!existsSync(join(locked, 'tiny.2bit')), 'nothing downloaded into a locked directory');

  // no network and a complete assembly: kept, said so, exit 0
  const done = freshDir();
  assert.equal((await fetchCmd(done, '--no-progress')).code, 0);
  const offline = await genegymProcess(['assembly', 'fetch', 'tiny', '--mirror', `http://127.0.0.1:${await closedPort()}`, '--dir', done, '--no-progress']);
  assert.equal(offline.code, 0, offline.stderr);
  assert.match(offline.stderr, /could not reach http:\/\/127\.0\.0\.1:\d+ \(fetch failed: ECONNREFUSED.*holds a complete assembly/);
});

test('on a terminal, messages are printed around the live bar, never onto it; small files read in bytes', { timeout: 60_000 }, async () => {
  srv.clearFaults();
  srv.inject(TWOBIT, 'cut');
  const dir = freshDir();
  const cmd = [process.execPath, join(repo, 'bin', 'genegym.js'), 'assembly', 'fetch', 'tiny', '--mirror', srv.base, '--dir', dir, '--stall-timeout', '1'];
  // util-linux `script` gives the command a pseudo-terminal (stderr.isTTY), as a user's shell does
  const child = spawn('script', ['-qec', cmd.map((a) => `'${a}'`).join(' '), '/dev/null'], { cwd: repo, env: { ...process.env, GENEGYM_HOME: join(root, 'home') }, stdio: ['ignore', 'pipe', 'pipe'] });
  let raw = '';
  child.stdout.on('data', (d) => (raw += d));
  const [code] = (await once(child, 'close')) as [number | null];
  assert.equal(code, 0, raw);
  await assert.doesNotReject(readFile(join(dir, 'tiny.2bit')));
  // what the terminal shows: escape sequences gone, each carriage return starting the line over
  const screen = raw
    .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
    .split('\n')
    .map((l) => l.replace(/\r$/, '').split('\r').at(-1)!);
  const bars = screen.filter((l) => /\|[█░]+\| \d+%/.test(l));
  assert.ok(bars.some((l) => /tiny\.2bit +\|[█░]+\| 100% 76\.3 kB\/76\.3 kB/.test(l)), screen.join('\n'));
  assert.ok(bars.some((l) => /md5sum\.txt +\|█+\| 100% 95 B\/95 B/.test(l)), 'small files in bytes, not 0.0/0.0 MB');
  for (const message of [/^tiny\.2bit: transfer broke off at byte [1-9]\d* \(no data for 1 s\); will resume at byte/, /^tiny\.2bit: resuming at byte [1-9]/, /^tiny\.2bit: 76312 bytes, verified$/]) {
    assert.ok(screen.some((l) => message.test(l)), `${message} on a line of its own:\n${screen.join('\n')}`);
  }
  for (const l of screen) if (/broke off|resuming|verified/.test(l)) assert.doesNotMatch(l, /[█░]/, `a message shares a line with a bar: ${l}`);
});

test('an unknown assembly name is a clear 404 error', async () => {
  await assert.rejects(fetchAssembly('nope', { dir: freshDir(), ...quiet() }), /nope\/bigZips\/nope\.2bit not found \(HTTP 404\): is "nope" a UCSC assembly name/);
  await assert.rejects(fetchAssembly('x', { dir: freshDir(), ...quiet(), mirror: 'ftp://example.org' }), /mirror must be an http\(s\) URL/);
});

async function cli(args: string[]): Promise<string> {
  const { buildProgram } = await import('../../src/cli/main.js');
  const { assemblyOutput } = await import('../../src/cli/assembly.js');
  let out = '';
  const write = assemblyOutput.write;
  assemblyOutput.write = (t: string) => {
    out += t;
  };
  try {
    await buildProgram().exitOverride().parseAsync(['node', 'genegym', ...args]);
  } finally {
    assemblyOutput.write = write;
  }
  return out;
}

/** `genegym ...` as a user runs it (bin/genegym.js in a child process): exit code, stdout, stderr. */
async function genegymProcess(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(repo, 'bin', 'genegym.js'), ...args], { cwd: repo, env: { ...process.env, GENEGYM_HOME: join(root, 'home') }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/** A loopback port with nothing listening. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
