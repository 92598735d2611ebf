// Server-sent events written straight to the Node response, framed like sse-starlette
// (the reference server): CRLF line ends, `event:` then `data:` then a blank line, and a
// `: ping - <UTC time>` comment as keep-alive.

import type { ServerResponse } from 'node:http';

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

/** One event. `data` must not contain CR or LF (our payloads are JSON, which escapes them). */
export function sseEvent(event: string, data: string): string {
  return `event: ${event}\r\ndata: ${data}\r\n\r\n`;
}

/** Python's str(datetime.now(timezone.utc)): `2026-11-23 09:15:00.123000+00:00`. */
export function pingComment(now: Date = new Date()): string {
  const iso = now.toISOString(); // 2026-11-23T09:15:00.123Z
  return `: ping - ${iso.slice(0, 10)} ${iso.slice(11, 23)}000+00:00\r\n\r\n`;
}

/** A response stream that tolerates a vanished client: writes after a disconnect are dropped. */
export class SseStream {
  private ended = false;

  constructor(readonly res: ServerResponse) {}

  /** Sends status and headers; `first` rides in the same packet. */
  open(first: string, extraHeaders?: Record<string, string>): void {
    this.res.writeHead(200, extraHeaders ? { ...SSE_HEADERS, ...extraHeaders } : SSE_HEADERS);
    this.write(first);
  }

  /** A whole response in one write: status, headers and every event. */
  send(all: string): void {
    this.res.writeHead(200, SSE_HEADERS);
    this.res.end(all);
    this.ended = true;
  }

  get alive(): boolean {
    return !this.ended && !this.res.destroyed && !this.res.writableEnded;
  }

  write(text: string): void {
    if (this.alive) this.res.write(text);
  }

  end(text?: string): void {
    if (this.alive) this.res.end(text);
    this.ended = true;
  }
}
