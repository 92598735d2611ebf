// Tiny hand-written loopback HTTP servers for client tests: each test scripts exactly what the
// "server" does, which is also how faults (silence, cut streams, 429 storms) are injected.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string, n: number) => unknown;

export interface FakeServer {
  baseUrl: string;
  seen: Seen[];
  close(): Promise<void>;
}

export async function fakeServer(handler: Handler): Promise<FakeServer> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      Promise.resolve(handler(req, res, body, seen.length)).catch((err) => {
        res.destroy(err as Error);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function startSse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
}

/** One SSE event in the reference framing (CRLF line ends). */
export function sseEvent(event: string, data: string): string {
  return `event: ${event}\r\n` + data.split('\n').map((l) => `data: ${l}\r\n`).join('') + '\r\n';
}

/** A RunToolOutput as a sequence of chunk…end events of at most `size` characters. */
export function sseResult(payload: unknown, size = 4096): string {
  const text = JSON.stringify(payload);
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  if (pieces.length === 0) pieces.push('');
  return pieces.map((p, i) => sseEvent(i === pieces.length - 1 ? 'end' : 'chunk', p)).join('');
}

export const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fast retry timing for tests. */
export const FAST = { backoff: { baseMs: 5, maxMs: 40 } };
