// POST /create_session. The reference server answers with SSE (`task_id` carrying the sid,
// then `end`); the written spec's clients expect JSON `{"sid"}`. Both are accepted, and so is
// an `end` event whose data is `{"sid"}`.

import { OrsProtocolError } from './errors.js';
import { SseParser } from './sse.js';
import type { HttpTransport } from './transport.js';

export async function createSessionId(transport: HttpTransport, headers: Record<string, string> = {}): Promise<string> {
  const response = await transport.send('POST', '/create_session', { eventStream: true, headers });
  const contentType = response.headers.get('content-type') ?? '';
  const text = await response.text();
  if (contentType.includes('text/event-stream')) {
    const parser = new SseParser();
    const events = parser.push(text + '\n\n');
    let sid: string | null = null;
    for (const ev of events) {
      if (ev.event === 'task_id' && ev.data.trim()) sid = ev.data.trim();
      if (ev.event === 'end' && sid === null) sid = sidFromJson(ev.data);
      if (ev.event === 'error') throw new OrsProtocolError(`create_session failed: ${ev.data}`);
    }
    if (sid) return sid;
    throw new OrsProtocolError(`create_session stream carried no session id: ${text.slice(0, 200)}`);
  }
  const sid = sidFromJson(text);
  if (sid) return sid;
  throw new OrsProtocolError(`create_session answer carried no session id: ${text.slice(0, 200)}`);
}

function sidFromJson(text: string): string | null {
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object' && typeof (value as { sid?: unknown }).sid === 'string') {
      return (value as { sid: string }).sid;
    }
  } catch {
    // not JSON
  }
  return null;
}
