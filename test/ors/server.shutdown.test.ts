// Bounded shutdown: close() waits for running calls and teardowns only up to the grace
// period, then ends stuck /call streams with an error event and leaves stuck teardowns
// behind (with a warning). Calls that finish inside the grace still deliver their result.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { arrayTasks, defineEnvironment, defineTool, type Environment } from '../../src/ors/environment.js';
import { buildServer, type OrsServer } from '../../src/ors/server/index.js';
import { RunningCalls } from '../../src/ors/server/running-calls.js';
import { toolOutput, textBlock } from '../../src/ors/types.js';
import { gate, gates, parseSse, post, resultOf } from './server-fixture.js';

interface Probe {
  /** aborted tool signals seen by the never-ending tool */
  abortedTools: number;
  teardownsStarted: number;
}

/** An environment whose `forever` tool and whose teardown never finish (when `stuck`). */
function stuckEnvironment(probe: Probe, stuckTeardown: boolean): Environment {
  const forever = defineTool({
    name: 'forever',
    description: 'Never answers',
    input: null,
    run: (_input, _state, { signal }) => {
      signal.addEventListener('abort', () => probe.abortedTools++);
      return new Promise(() => {});
    },
  });
  const held = defineTool({
    name: 'held',
    description: 'Answers once the test opens the gate of the same name',
    input: Type.Object({ gate: Type.String() }),
    run: async ({ gate: name }) => {
      await gate(name);
      return toolOutput({ text: `released ${name}` });
    },
  });
  return defineEnvironment({
    name: 'stuckenv',
    splits: [{ name: 'test', type: 'test' }],
    tasks: arrayTasks({ test: [{ id: 't0' }] }),
    tools: [forever, held],
    async open() {
      return {
        state: {},
        prompt: () => [textBlock('hang around')],
        close: () => {
          probe.teardownsStarted++;
          return stuckTeardown ? new Promise<void>(() => {}) : undefined;
        },
      };
    },
  });
}

async function serve(env: Environment, shutdownGraceMs: number): Promise<{ server: OrsServer; url: string; warnings: string[] }> {
  const warnings: string[] = [];
  const server = await buildServer({
    environments: [env],
    shutdownGraceMs,
    logger: { level: 'warn', stream: { write: (line: string) => void warnings.push(JSON.parse(line).msg) } },
  });
  return { server, url: await server.listen({ port: 0 }), warnings };
}

async function session(url: string): Promise<string> {
  const sid = crypto.randomUUID();
  const res = await post(url, '/create', { task_spec: { id: 't0' } }, { 'x-session-id': sid });
  assert.equal(res.status, 200);
  return sid;
}

/** Starts a /call and returns once its task_id has arrived, with a promise of the whole stream text. */
async function startCall(url: string, sid: string, body: object): Promise<{ text: Promise<string> }> {
  const res = await post(url, '/stuckenv/call', body, { 'x-session-id': sid, accept: 'text/event-stream' });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('event: task_id')) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before task_id: ${text}`);
    text += decoder.decode(value, { stream: true });
  }
  // Wrapped: an async function returning a bare promise would wait for the whole stream.
  const rest = async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += decoder.decode(value, { stream: true });
    }
  };
  return { text: rest() };
}

const waitForGate = async (name: string) => {
  while (!gates.has(name)) await new Promise((r) => setTimeout(r, 5));
  return gates.get(name)!;
};

describe('bounded shutdown', { timeout: 30_000 }, () => {
  test('a stuck tool and a stuck teardown: close() still resolves, the stuck stream ends with an error', async () => {
    const probe: Probe = { abortedTools: 0, teardownsStarted: 0 };
    const { server, url, warnings } = await serve(stuckEnvironment(probe, true), 200);
    const sid = await session(url);
    const stream = await startCall(url, sid, { name: 'forever', input: {} });

    await server.close();

    const { events } = parseSse(await stream.text);
    assert.deepEqual(events.map((e) => e.event), ['task_id', 'error']);
    assert.match(events[1].data, /shutting down: tool call abandoned after the 200 ms shutdown grace period/);
    assert.equal(probe.abortedTools, 1, 'the stuck tool is told to stop');
    assert.equal(probe.teardownsStarted, 1, 'the teardown was started');
    assert.ok(warnings.some((w) => /gave up on 1 running tool call/.test(w)), warnings.join('\n'));
    assert.ok(warnings.some((w) => /left 1 session teardown\(s\) running/.test(w)), warnings.join('\n'));
    await assert.rejects(fetch(url + '/health'));
  });

  test('a call that finishes inside the grace delivers its result, next to one that never does', async () => {
    const probe: Probe = { abortedTools: 0, teardownsStarted: 0 };
    const { server, url, warnings } = await serve(stuckEnvironment(probe, false), 1_000);
    const [a, b] = [await session(url), await session(url)];
    const stuck = await startCall(url, a, { name: 'forever', input: {} });
    const held = await startCall(url, b, { name: 'held', input: { gate: 'shutdown-finishes' } });
    const release = await waitForGate('shutdown-finishes');

    const closed = server.close();
    release(); // finishes while close() is waiting
    await closed;

    const good = parseSse(await held.text).events;
    assert.equal(resultOf(good).output.blocks[0].text, 'released shutdown-finishes');
    assert.deepEqual(parseSse(await stuck.text).events.map((e) => e.event), ['task_id', 'error']);
    assert.equal(probe.teardownsStarted, 2);
    assert.ok(!warnings.some((w) => /teardown/.test(w)), 'teardowns that finish are not reported');
  });

  test('without stuck work close() does not wait out the grace period', async () => {
    const probe: Probe = { abortedTools: 0, teardownsStarted: 0 };
    // A grace longer than the test timeout: close() resolving proves nothing waited it out.
    const { server, url, warnings } = await serve(stuckEnvironment(probe, false), 600_000);
    const sid = await session(url);
    const held = await startCall(url, sid, { name: 'held', input: { gate: 'shutdown-quick' } });
    const closed = server.close();
    (await waitForGate('shutdown-quick'))();
    await closed;
    assert.equal(resultOf(parseSse(await held.text).events).output.blocks[0].text, 'released shutdown-quick');
    assert.equal(probe.teardownsStarted, 1);
    assert.deepEqual(warnings, []);
  });

  test('shutdownGraceMs must be a non-negative number', async () => {
    const probe: Probe = { abortedTools: 0, teardownsStarted: 0 };
    await assert.rejects(buildServer({ environments: [stuckEnvironment(probe, false)], shutdownGraceMs: -1 }), /shutdownGraceMs must be a non-negative number/);
  });
});

describe('RunningCalls', () => {
  const outcome = (events: string) => ({ events });

  test('abandon settles running and later runs with the stand-in; drain then resolves', async () => {
    const calls = new RunningCalls();
    const never = calls.track(new Promise(() => {}));
    const done = calls.track(Promise.resolve(outcome('real')));
    assert.deepEqual(await done, outcome('real'));
    assert.equal(calls.size, 1);
    assert.equal(calls.abandon(outcome('gone')), 1);
    assert.deepEqual(await never, outcome('gone'));
    await calls.drain();
    assert.equal(calls.size, 0);
    assert.deepEqual(await calls.track(new Promise(() => {})), outcome('gone'));
  });
});
