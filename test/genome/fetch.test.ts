import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type IncomingMessage } from 'node:http';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fetchAssembly, parseMd5Sums } from '../../src/genome/fetch.js';
import { writeTwoBit } from '../../src/genome/twobit-writer.js';
import { openAssembly } from '../../src/genome/assembly.js';
import type { AssemblyManifest } from '../../src/genome/types.js';

const LAST_MODIFIED = 'Tue, 03 Jan 2023 10:00:00 GMT';
let root: string;
let server: Server;
let base: string;
/** path -> bytes served */
const files = new Map<string, Buffer>();
const requests: Array<{ path: string; range?: string; ifRange?: string }> = [];
/** path -> how many more times to cut the transfer off halfway */
const cutOffs = new Map<string, number>();

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'genegym-fetch-'));
  // a small assembly "tiny" in the UCSC download layout
  let seq = '';
  let x = 12345;
  for (let i = 0; i < 300_000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    seq += (i % 5000 < 1500 ? 'acgt' : 'ACGT')[(x >> 16) & 3];
  }
  const chr1 = 'N'.repeat(1000) + seq + 'N'.repeat(1000);
  const twoBitPath = join(root, 'src.2bit');
  await writeTwoBit(twoBitPath, [['chr1', chr1], ['chrM', 'GATCACAGGT'.repeat(100)]]);
  const twoBit = await readFile(twoBitPath);
  const sizes = Buffer.from(`chr1\t${chr1.length}\nchrM\t1000\n`);
  files.set('/tiny/bigZips/tiny.2bit', twoBit);
  files.set('/tiny/bigZips/tiny.chrom.sizes', sizes);
  files.set('/tiny/bigZips/md5sum.txt', Buffer.from(`${md5(twoBit)}  tiny.2bit\n${md5(sizes)}  tiny.chrom.sizes\n`));
  files.set('/tiny/database/cytoBand.txt.gz', gzipSync(`chr1\t0\t150000\tp11.1\tacen\nchr1\t150000\t${chr1.length}\tq11\tacen\nchrM\t0\t1000\t\tgneg\n`));
  // no ncbiRefSeq: fetch must fall back to refGene; no ncbiRefSeqSelect at all
  files.set('/tiny/database/refGene.txt.gz', gzipSync('585\tNM_000001.1\tchr1\t+\t2000\t9000\t2100\t8000\t2\t2000,7000,\t3000,9000,\t0\tTINY1\tcmpl\tcmpl\t0,1,\n'));
  // "bad": same files, but md5sum.txt lies about chrom.sizes
  for (const [p, b] of [...files]) files.set(p.replace('/tiny/', '/bad/').replace(/tiny\./, 'bad.'), b);
  files.set('/bad/bigZips/md5sum.txt', Buffer.from(`${md5(twoBit)}  bad.2bit\n${'0'.repeat(32)}  bad.chrom.sizes\n`));

  server = createServer((req: IncomingMessage, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ path, range: req.headers.range, ifRange: req.headers['if-range'] as string | undefined });
    const body = files.get(path);
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const rangeOk = m && (!req.headers['if-range'] || req.headers['if-range'] === LAST_MODIFIED);
    if (m && rangeOk) {
      start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, {
        'Content-Length': body.length - start,
        'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}`,
        'Last-Modified': LAST_MODIFIED,
        'Accept-Ranges': 'bytes',
      });
    } else {
      res.writeHead(200, { 'Content-Length': body.length, 'Last-Modified': LAST_MODIFIED, 'Accept-Ranges': 'bytes' });
    }
    const cuts = cutOffs.get(path) ?? 0;
    if (cuts > 0) {
      cutOffs.set(path, cuts - 1);
      // send part of what was promised, then go silent: the client's stall timeout fires once it
      // has consumed everything, so how much arrived does not depend on timing
      const half = start + Math.floor((body.length - start) / 2);
      res.write(body.subarray(start, half));
      return;
    }
    res.end(body.subarray(start));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await rm(root, { recursive: true, force: true });
});

const quiet = { progress: false, log: () => {}, stallTimeoutMs: 1500 };

test('parseMd5Sums reads md5sum.txt lines', () => {
  const m = parseMd5Sums(`d41d8cd98f00b204e9800998ecf8427e  hg38.2bit\nD41D8CD98F00B204E9800998ECF8427F *hg38.chrom.sizes\ngarbage\n`);
  assert.equal(m.get('hg38.2bit'), 'd41d8cd98f00b204e9800998ecf8427e');
  assert.equal(m.get('hg38.chrom.sizes'), 'd41d8cd98f00b204e9800998ecf8427f');
  assert.equal(m.size, 2);
});

test('downloads the layout, resumes a broken transfer with Range, verifies md5, falls back to refGene', async () => {
  requests.length = 0;
  cutOffs.set('/tiny/bigZips/tiny.2bit', 1);
  const dir = join(root, 'out1');
  const r = await fetchAssembly('tiny', { dir, mirror: base + '/', ...quiet });
  const got = await readFile(join(dir, 'tiny.2bit'));
  assert.ok(got.equals(files.get('/tiny/bigZips/tiny.2bit')!), '2bit is byte-identical after the resume');
  const twoBitReqs = requests.filter((q) => q.path === '/tiny/bigZips/tiny.2bit');
  // (a very slow machine may stall once more on its own; every retry must still be a resume)
  assert.ok(twoBitReqs.length >= 2);
  assert.equal(twoBitReqs[0].range, undefined);
  const resumedAt = Number(/^bytes=(\d+)-$/.exec(twoBitReqs[1].range ?? '')?.[1]);
  assert.ok(resumedAt > 0 && resumedAt < got.length, `second request resumes mid-file (${twoBitReqs[1].range})`);
  assert.equal(twoBitReqs[1].ifRange, LAST_MODIFIED);
  // ncbiRefSeq.txt.gz is absent on this server, so refGene was fetched; the Select table is skipped
  assert.ok(requests.some((q) => q.path === '/tiny/database/ncbiRefSeq.txt.gz'));
  assert.ok(existsSync(join(dir, 'refGene.txt.gz')));
  assert.ok(r.skipped.some((s) => s.includes('ncbiRefSeqSelect')));
  assert.deepEqual((await readdir(dir)).filter((f) => f.includes('.part')), [], 'no .part files left');
  const m = JSON.parse(await readFile(join(dir, 'assembly.json'), 'utf8')) as AssemblyManifest;
  assert.equal(m.name, 'tiny');
  assert.equal(m.synthetic, false);
  assert.equal(m.files.twoBit.url, `${base}/tiny/bigZips/tiny.2bit`);
  assert.equal(m.files.twoBit.bytes, got.length);
  assert.equal(m.files.twoBit.version, LAST_MODIFIED);
  assert.equal(m.files.twoBit.md5, md5(got));
  assert.match(m.files.refGene.sha256 ?? '', /^[0-9a-f]{64}$/);
  // the readers open what was fetched
  const a = await openAssembly(dir);
  try {
    assert.equal(a.name, 'tiny');
    assert.equal(a.gene('TINY1').transcripts[0].name, 'NM_000001.1');
    assert.equal(a.bandAt('chr1', 149_999)?.name, 'p11.1');
    assert.equal(await a.read('chrM', 0, 10), 'GATCACAGGT');
  } finally {
    await a.close();
  }
});

test('an interrupted run leaves a .part file that the next run resumes (GENEGYM_UCSC_URL as mirror)', async () => {
  requests.length = 0;
  cutOffs.set('/tiny/bigZips/tiny.2bit', 1);
  const dir = join(root, 'out2');
  const saved = process.env.GENEGYM_UCSC_URL;
  process.env.GENEGYM_UCSC_URL = base;
  try {
    await assert.rejects(fetchAssembly('tiny', { dir, attempts: 1, ...quiet }), /download failed after 1 attempts.*Run the command again to resume/);
    assert.ok(existsSync(join(dir, 'tiny.2bit.part')));
    assert.ok(!existsSync(join(dir, 'tiny.2bit')));
    await fetchAssembly('tiny', { dir, attempts: 1, ...quiet });
  } finally {
    if (saved === undefined) delete process.env.GENEGYM_UCSC_URL;
    else process.env.GENEGYM_UCSC_URL = saved;
  }
  const reqs = requests.filter((q) => q.path === '/tiny/bigZips/tiny.2bit');
  assert.ok(reqs.length >= 2);
  assert.match(reqs[1].range ?? '', /^bytes=[1-9]\d*-$/);
  assert.ok((await readFile(join(dir, 'tiny.2bit'))).equals(files.get('/tiny/bigZips/tiny.2bit')!));
});

test('a checksum mismatch fails clearly and deletes the bad file', async () => {
  const dir = join(root, 'out3');
  await assert.rejects(
    fetchAssembly('bad', { dir, mirror: base, ...quiet }),
    /md5 mismatch for bad\.chrom\.sizes: md5sum\.txt says 0{32}, downloaded file has [0-9a-f]{32}; the file was deleted/,
  );
  assert.ok(!existsSync(join(dir, 'bad.chrom.sizes')));
  assert.ok(!existsSync(join(dir, 'assembly.json')), 'no manifest for a failed fetch');
});

test('an unknown assembly name is a clear 404 error', async () => {
  await assert.rejects(
    fetchAssembly('nope', { dir: join(root, 'out4'), mirror: base, ...quiet }),
    /nope\/bigZips\/nope\.2bit not found \(HTTP 404\): is "nope" a UCSC assembly name/,
  );
  await assert.rejects(fetchAssembly('x', { dir: join(root, 'out5'), mirror: 'ftp://example.org', ...quiet }), /mirror must be an http\(s\) URL/);
});

test('genegym assembly fetch --mirror --dir through the CLI', async () => {
  const { buildProgram } = await import('../../src/cli/main.js');
  const { assemblyOutput } = await import('../../src/cli/assembly.js');
  const dir = join(root, 'out-cli');
  let out = '';
  const write = assemblyOutput.write;
  assemblyOutput.write = (t: string) => {
    out += t;
  };
  try {
    await buildProgram().exitOverride().parseAsync(['node', 'genegym', 'assembly', 'fetch', 'tiny', '--mirror', base, '--dir', dir, '--no-progress', '--quiet']);
  } finally {
    assemblyOutput.write = write;
  }
  assert.equal(out, `${dir}\n`);
  const m = JSON.parse(await readFile(join(dir, 'assembly.json'), 'utf8')) as AssemblyManifest;
  assert.equal(m.files.chromSizes.url, `${base}/tiny/bigZips/tiny.chrom.sizes`);
});

test('a second fetch keeps files that md5sum.txt vouches for and fetches the rest again', async () => {
  const dir = join(root, 'out6');
  await fetchAssembly('tiny', { dir, mirror: base, ...quiet });
  const first = JSON.parse(await readFile(join(dir, 'assembly.json'), 'utf8')) as AssemblyManifest;
  requests.length = 0;
  await fetchAssembly('tiny', { dir, mirror: base, ...quiet });
  const paths = requests.map((q) => q.path);
  assert.ok(!paths.includes('/tiny/bigZips/tiny.2bit'), '2bit not downloaded again');
  assert.ok(!paths.includes('/tiny/bigZips/tiny.chrom.sizes'));
  assert.ok(paths.includes('/tiny/bigZips/md5sum.txt'));
  assert.ok(paths.includes('/tiny/database/refGene.txt.gz'), 'files without a checksum are fetched again');
  const second = JSON.parse(await readFile(join(dir, 'assembly.json'), 'utf8')) as AssemblyManifest;
  assert.deepEqual(second.files.twoBit, first.files.twoBit);
});
