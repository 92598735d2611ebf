// A loopback mirror of the UCSC download layout for fetch tests, with faults on demand: cut a
// transfer off halfway (then stall), drop the connection halfway, flip a byte, ignore Range (answer 200), resume a 206 at the
// wrong byte, answer 416 to every range, or fail with 503. It honours If-Range, If-None-Match (ETag = md5 of
// the body) and If-Modified-Since, and records every request.

import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const LAST_MODIFIED = 'Tue, 03 Jan 2023 10:00:00 GMT';

export type Fault = 'cut' | 'drop' | 'flip' | 'ignore-range' | 'wrong-start' | 'always-416' | 'unavailable';

export interface Request {
  path: string;
  status: number;
  range?: string;
  ifRange?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
}

export class RangeServer {
  readonly files = new Map<string, Buffer>();
  readonly requests: Request[] = [];
  /** path -> faults to apply to the next requests, in order */
  private readonly faults = new Map<string, Fault[]>();
  private server!: Server;
  base = '';

  static etag(body: Buffer): string {
    return `"${createHash('md5').update(body).digest('hex')}"`;
  }

  inject(path: string, ...faults: Fault[]): void {
    this.faults.set(path, [...(this.faults.get(path) ?? []), ...faults]);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  of(path: string): Request[] {
    return this.requests.filter((r) => r.path === path);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const log: Request = {
      path, status: 0, range: req.headers.range, ifRange: req.headers['if-range'] as string | undefined,
      ifNoneMatch: req.headers['if-none-match'] as string | undefined, ifModifiedSince: req.headers['if-modified-since'] as string | undefined,
    };
    this.requests.push(log);
    const reply = (status: number, headers: Record<string, string | number> = {}) => {
      log.status = status;
      res.writeHead(status, headers);
    };
    const body = this.files.get(path);
    if (!body) {
      reply(404);
      res.end('not found');
      return;
    }
    const fault = this.faults.get(path)?.shift();
    if (fault === 'unavailable') {
      reply(503);
      res.end('try later');
      return;
    }
    const etag = RangeServer.etag(body);
    const validators = { ETag: etag, 'Last-Modified': LAST_MODIFIED, 'Accept-Ranges': 'bytes' };
    if (!req.headers.range && (log.ifNoneMatch === etag || (!log.ifNoneMatch && log.ifModifiedSince === LAST_MODIFIED))) {
      reply(304, validators);
      res.end();
      return;
    }
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const rangeOk = m && (!log.ifRange || log.ifRange === etag || log.ifRange === LAST_MODIFIED) && fault !== 'ignore-range';
    let start = 0;
    if (m && rangeOk) {
      start = Number(m[1]);
      if (start >= body.length || fault === 'always-416') {
        reply(416, { 'Content-Range': `bytes */${body.length}` });
        res.end();
        return;
      }
      const from = fault === 'wrong-start' ? Math.max(0, start - 100) : start;
      reply(206, { ...validators, 'Content-Length': body.length - from, 'Content-Range': `bytes ${from}-${body.length - 1}/${body.length}` });
      start = from;
    } else {
      reply(200, { ...validators, 'Content-Length': body.length });
    }
    let out = Buffer.from(body.subarray(start));
    if (fault === 'flip') out[Math.floor(out.length / 2)] ^= 0xff;
    if (fault === 'cut') {
      // part of what was promised, then silence: the client's stall timeout fires
      res.write(out.subarray(0, Math.floor(out.length / 2)));
      return;
    }
    if (fault === 'drop') {
      // part of what was promised, then (once the client has had time to take it) the
      // connection is closed under it
      res.write(out.subarray(0, Math.floor(out.length / 2)), () => setTimeout(() => res.socket?.destroy(), 200));
      return;
    }
    res.end(out);
  }
}

/** Serves a small assembly `name` in the UCSC layout: 2bit, chrom.sizes, md5sum.txt, cytoBand and refGene (no ncbiRefSeq, no Select). */
export async function addTinyAssembly(server: RangeServer, name: string, scratch: string): Promise<void> {
  const { writeTwoBit } = await import('../../src/genome/twobit-writer.js');
  const { readFile } = await import('node:fs/promises');
  const { gzipSync } = await import('node:zlib');
  const { join } = await import('node:path');
  let seq = '';
  let x = 12345;
  for (let i = 0; i < 300_000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    seq += (i % 5000 < 1500 ? 'acgt' : 'ACGT')[(x >> 16) & 3];
  }
  const chr1 = 'N'.repeat(1000) + seq + 'N'.repeat(1000);
  const twoBitPath = join(scratch, `${name}.src.2bit`);
  await writeTwoBit(twoBitPath, [['chr1', chr1], ['chrM', 'GATCACAGGT'.repeat(100)]]);
  const twoBit = await readFile(twoBitPath);
  const sizes = Buffer.from(`chr1\t${chr1.length}\nchrM\t1000\n`);
  const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
  server.files.set(`/${name}/bigZips/${name}.2bit`, twoBit);
  server.files.set(`/${name}/bigZips/${name}.chrom.sizes`, sizes);
  server.files.set(`/${name}/bigZips/md5sum.txt`, Buffer.from(`${md5(twoBit)}  ${name}.2bit\n${md5(sizes)}  ${name}.chrom.sizes\n`));
  server.files.set(`/${name}/database/cytoBand.txt.gz`, gzipSync(`chr1\t0\t150000\tp11.1\tacen\nchr1\t150000\t${chr1.length}\tq11\tacen\nchrM\t0\t1000\t\tgneg\n`));
  server.files.set(`/${name}/database/refGene.txt.gz`, gzipSync('585\tNM_000001.1\tchr1\t+\t2000\t9000\t2100\t8000\t2\t2000,7000,\t3000,9000,\t0\tTINY1\tcmpl\tcmpl\t0,1,\n'));
}
