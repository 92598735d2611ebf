// Incremental Server-Sent Events parser (WHATWG "event stream interpretation").
// Unlike the reference Python client it strips exactly one space after `data:`, so payload
// pieces that begin with whitespace survive; it accepts CRLF, LF and CR line ends, even when
// a CRLF pair is split across network chunks.

export interface SseEvent {
  /** The `event:` field, or "message" when the event had none. */
  event: string;
  /** Data lines joined with "\n". */
  data: string;
  id?: string;
}

export class SseParser {
  private buffer = '';
  /** The previous chunk ended in CR, so a leading LF in the next one belongs to that line end. */
  private pendingCr = false;
  private eventName = '';
  private dataLines: string[] = [];
  private hasData = false;
  private lastId: string | undefined;

  /** Feeds decoded text; returns the events completed by it. */
  push(text: string): SseEvent[] {
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    // Resume scanning where the last push stopped, so one long line fed in many small pieces
    // is scanned once, not quadratically.
    let i = this.buffer.length;
    this.buffer += text;
    const events: SseEvent[] = [];
    let start = 0;
    const buf = this.buffer;
    for (; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(buf.slice(start, i), events);
      if (c === 13) {
        if (i + 1 < buf.length) {
          if (buf.charCodeAt(i + 1) === 10) i++;
        } else {
          this.pendingCr = true;
        }
      }
      start = i + 1;
    }
    this.buffer = start === 0 ? buf : buf.slice(start);
    return events;
  }

  /** Bytes left after the last line end (an unterminated line is not an event). */
  get remainder(): string {
    return this.buffer;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      this.dispatch(out);
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' */) return; // comment, e.g. a keep-alive ping
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    }
    switch (field) {
      case 'event':
        this.eventName = value;
        break;
      case 'data':
        this.dataLines.push(value);
        this.hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      default:
        break; // `retry` and unknown fields mean nothing to ORS
    }
  }

  private dispatch(out: SseEvent[]): void {
    // The standard drops an event without data lines; a named one is kept with empty data so
    // a server that writes a bare `event: end` still ends the call.
    if (this.hasData || this.eventName !== '') {
      const ev: SseEvent = { event: this.eventName || 'message', data: this.dataLines.join('\n') };
      if (this.lastId !== undefined) ev.id = this.lastId;
      out.push(ev);
    }
    this.eventName = '';
    this.dataLines = [];
    this.hasData = false;
  }
}

/** Reads an SSE byte stream, calling `onActivity` for every chunk (comments included). */
export async function* readSse(
  body: AsyncIterable<Uint8Array>,
  onActivity?: () => void,
): AsyncGenerator<SseEvent, void, undefined> {
  const decoder = new TextDecoder('utf-8');
  const parser = new SseParser();
  for await (const bytes of body) {
    onActivity?.();
    for (const ev of parser.push(decoder.decode(bytes, { stream: true }))) yield ev;
  }
  const tail = decoder.decode();
  if (tail) for (const ev of parser.push(tail)) yield ev;
}
