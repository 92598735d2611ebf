// The /call SSE stream: large results, keep-alive during long tools, resume by task_id,
// error events and ok:false results.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OrsServer } from '../../src/ors/server/index.js';
import { isPythonSpace } from '../../src/ors/server/chunking.js';
import { call, gates, isWellFormed, openSession, parseSse, post, resultOf, startServer, type SseEvent } from './server-fixture.js';

const KEEP_ALIVE_MS = 100;
let server: OrsServer;
let url: string;
before(async () => ({ server, url } = await startServer({ keepAliveMs: KEEP_ALIVE_MS })));
after(() => server.close());

/** Opens a /call stream and reads it incrementally, recording when each byte batch arrived. */
function openStream(sid: string, body: object) {
  const abort = new AbortController();
  let text = '';
  const arrivals: number[] = [];
  let onData: (() => void) | undefined;
  const done = (async () => {
    const res = await fetch(`${url}/gsm8kenv/call`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-session-id': sid, accept: 'text/event-stream' },
      body: JSON.stringify(body),
      signal: abort.signal,
    });
    const decoder = new TextDecoder();
    for await (const part of res.body as any as AsyncIterable<Uint8Array>) {
      text += decoder.decode(part, { stream: true });
      arrivals.push(performance.now());
      onData?.();
    }
    return res.status;
  })();
  done.catch(() => {});
  return {
    abort: () => abort.abort(),
    done,
    arrivals,
    get text() {
      return text;
    },
    /** Resolves once an event of this name has arrived. */
    async waitFor(event: string): Promise<SseEvent[]> {
      for (;;) {
        const events = parseSse(text).events;
        if (events.some((e) => e.event === event)) return events;
        await new Promise<void>((r) => (onData = r));
      }
    },
  };
}

describe('/call results', () => {
  test('a >100 kB result of whitespace and astral characters round-trips exactly', async () => {
    const sid = await openSession(url);
    const text = ' '.repeat(9000) + '🧬 \u3000😀'.repeat(6000) + '\u00a0'.repeat(5000) + 'a b'.repeat(4000) + '\u2028\u0085 end';
    const r = await call(url, sid, { name: 'echo', input: { text, repeat: 2 } });
    assert.ok(r.text.length > 100_000);
    const chunks = r.events.filter((e) => e.event === 'chunk');
    assert.ok(chunks.length >= 20, `expected many chunks, got ${chunks.length}`);
    assert.equal(r.events.at(-1)!.event, 'end');
    for (const e of r.events.slice(1)) {
      assert.ok([...e.data].length <= 4096, 'piece longer than 4096 code points');
      assert.ok(!isPythonSpace(e.data.codePointAt(0)!), 'piece starts with whitespace');
      assert.ok(isWellFormed(e.data));
    }
    const expected = { ok: true, output: { blocks: [{ text: text.repeat(2), detail: null, type: 'text' }], metadata: { repeat: 2 }, reward: null, finished: false } };
    // A standards-following client (one space stripped after data:)...
    assert.deepEqual(resultOf(r.events), expected);
    // ...and the reference Python client, which strips all leading whitespace.
    assert.deepEqual(resultOf(parseSse(r.text, true).events), expected);
    // Framing: CRLF line ends throughout.
    assert.equal(r.text.replace(/\r\n/g, '').includes('\n'), false);
  });

  test('small results are a single end event', async () => {
    const sid = await openSession(url);
    const r = await call(url, sid, { name: 'echo', input: { text: 'hi' } });
    assert.deepEqual(r.events.map((e) => e.event), ['task_id', 'end']);
  });

  test('tool-level errors are ok:false in the end event', async () => {
    const sid = await openSession(url);
    const unknown = await call(url, sid, { name: 'nope', input: {} });
    assert.equal(unknown.status, 200);
    assert.deepEqual(resultOf(unknown.events), { ok: false, error: "'nope' is not a valid tool" });
    const invalid = resultOf((await call(url, sid, { name: 'sleep', input: { ms: 'soon' } })).events);
    assert.equal(invalid.ok, false);
    assert.match(invalid.error, /^Tool input validation error: \[/);
    assert.match(invalid.error, /"loc":\["ms"\]/);
    const missing = resultOf((await call(url, sid, { name: 'answer', input: {} })).events);
    assert.match(missing.error, /"type":"missing","loc":\["answer"\],"msg":"Field required"/);
    assert.deepEqual(resultOf((await call(url, sid, { name: 'refuse', input: {} })).events), { ok: false, error: 'that is not allowed' });
  });

  test('every ToolOutput and block key is present even when the tool left it out', async () => {
    const sid = await openSession(url);
    const r = await call(url, sid, { name: 'raw', input: {} });
    assert.equal(
      r.events.at(-1)!.data,
      '{"ok":true,"output":{"blocks":[{"text":"plain","detail":null,"type":"text"},' +
        '{"data":"iVBORw0KGgo=","mimeType":"image/png","detail":null,"type":"image"}],"metadata":null,"reward":null,"finished":false}}',
    );
    const broken = await call(url, sid, { name: 'raw', input: { broken: true } });
    assert.deepEqual(broken.events.map((e) => e.event), ['task_id', 'error']);
    assert.match(broken.events[1].data, /returned an invalid ToolOutput/);
  });

  test('an exception inside a tool is an error event after task_id', async () => {
    const sid = await openSession(url);
    const r = await call(url, sid, { name: 'boom', input: {} });
    assert.equal(r.status, 200);
    assert.deepEqual(r.events.map((e) => e.event), ['task_id', 'error']);
    assert.equal(r.events[1].data, 'kaboom: the environment broke');
    // The session still works.
    assert.equal(resultOf((await call(url, sid, { name: 'answer', input: { answer: '72' } })).events).output.reward, 1);
  });

  test('keep-alive comments arrive while a long tool runs (scaled: 100 ms pings, 2 s silence timeout, 2.5 s tool)', async () => {
    const sid = await openSession(url);
    const stream = openStream(sid, { name: 'sleep', input: { ms: 2500 } });
    const start = performance.now();
    assert.equal(await stream.done, 200);
    const { events, comments } = parseSse(stream.text);
    assert.deepEqual(resultOf(events).output.blocks[0].text, 'slept 2500');
    assert.ok(comments.length >= 5, `expected pings every ${KEEP_ALIVE_MS} ms, got ${comments.length} in 2.5 s`);
    for (const c of comments) assert.match(c, /^: ping - \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    // A client that gives up after 2 s of silence (20x the interval, generous for a busy
    // machine; the real ratio is 30 s to 10 s) never would have, though the tool took longer.
    const gaps = stream.arrivals.map((t, i) => t - (i === 0 ? start : stream.arrivals[i - 1]));
    assert.ok(Math.max(...gaps) < 2000, `silence of ${Math.round(Math.max(...gaps))} ms`);
  });
});

describe('/call resume by task_id', () => {
  test('after a dropped connection the result is replayed (tool kept running)', async () => {
    const sid = await openSession(url);
    const first = openStream(sid, { name: 'held', input: { gate: 'drop-1' } });
    const [taskIdEvent] = await first.waitFor('task_id');
    const taskId = taskIdEvent.data;
    first.abort();
    await first.done.catch(() => {});
    // Re-POST while the tool still runs: waits, then gets the whole result.
    const second = openStream(sid, { name: 'held', input: { gate: 'drop-1' }, task_id: taskId });
    const events = await second.waitFor('task_id');
    assert.equal(events[0].data, taskId);
    while (!gates.has('drop-1')) await new Promise((r) => setTimeout(r, 5));
    gates.get('drop-1')!();
    assert.equal(await second.done, 200);
    const replay = parseSse(second.text).events;
    assert.deepEqual(replay.map((e) => e.event), ['task_id', 'end']);
    assert.equal(resultOf(replay).output.blocks[0].text, 'released drop-1');
    // And again after completion, byte for byte the same events.
    const third = await call(url, sid, { name: 'held', input: { gate: 'drop-1' }, task_id: taskId });
    assert.deepEqual(third.events, replay);
  });

  test('large results replay whole', async () => {
    const sid = await openSession(url);
    const r = await call(url, sid, { name: 'echo', input: { text: '😀 ', repeat: 5000 } });
    const again = await call(url, sid, { name: 'echo', input: { text: 'ignored' }, task_id: r.events[0].data });
    assert.deepEqual(again.events, r.events);
  });

  test('an unknown task_id is a single error event, and the tool does not run', async () => {
    const sid = await openSession(url);
    const r = await call(url, sid, { name: 'boom', input: {}, task_id: '0123456789abcdef0123456789abcdef' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.events, [{ event: 'error', data: 'unknown task_id' }]);
  });

  test('task ids are scoped to their session', async () => {
    const a = await openSession(url);
    const b = await openSession(url);
    const r = await call(url, a, { name: 'echo', input: { text: 'mine' } });
    const stolen = await call(url, b, { name: 'echo', input: { text: 'x' }, task_id: r.events[0].data });
    assert.deepEqual(stolen.events, [{ event: 'error', data: 'unknown task_id' }]);
  });

  test('concurrent calls on one session run concurrently', async () => {
    const sid = await openSession(url);
    const held = openStream(sid, { name: 'held', input: { gate: 'conc-1' } });
    await held.waitFor('task_id');
    const quick = await call(url, sid, { name: 'echo', input: { text: 'not blocked' } });
    assert.equal(resultOf(quick.events).output.blocks[0].text, 'not blocked');
    while (!gates.has('conc-1')) await new Promise((r) => setTimeout(r, 5));
    gates.get('conc-1')!();
    await held.done;
  });
});

test('session errors on /call are plain JSON before any stream', async () => {
  const res = await post(url, '/gsm8kenv/call', { name: 'answer', input: {} }, { 'x-session-id': 'nobody', accept: 'text/event-stream' });
  assert.equal(res.status, 404);
  assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.deepEqual(await res.json(), { detail: 'Active environment not found' });
});
