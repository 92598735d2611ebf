// Shared by the server tests: a GSM8K-like environment with fixed tasks (like the reference
// SDK's test env, but answers stay server-side), a tiny SSE parser and request helpers.

import { Type } from '@sinclair/typebox';
import { arrayTasks, defineEnvironment, defineTool, EnvironmentBusyError, ToolError, type Environment } from '../../src/ors/environment.js';
import { buildServer, type OrsServer, type ServerOptions } from '../../src/ors/server/index.js';
import { textBlock, toolOutput, type JsonObject } from '../../src/ors/types.js';

const ANSWERS: Record<string, string> = { 'train-0': '72', 'train-1': '9', 'test-0': '3' };

const TASKS: Record<string, JsonObject[]> = {
  train: [
    {
      id: 'train-0',
      question:
        'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?',
    },
    { id: 'train-1', question: 'What is 3*3?' },
  ],
  test: [{ id: 'test-0', question: 'What is 1+2?' }],
};

interface State {
  task: JsonObject;
  secrets: Record<string, string>;
  closed: { count: number };
}

export const teardowns = { count: 0 };
/** Gates that let a test hold a tool (or a setup) until it says so. */
export const gates = new Map<string, () => void>();
export const gate = (name: string) => new Promise<void>((resolve) => gates.set(name, resolve));

const answer = defineTool({
  name: 'answer',
  description: 'Submit your final answer to the math problem',
  input: Type.Object({ answer: Type.String() }),
  run: ({ answer }, state: State) => {
    const expected = ANSWERS[String(state.task.id)];
    if (expected === undefined) throw new ToolError(`no answer for task ${String(state.task.id)}`);
    const correct = answer.trim() === expected;
    return toolOutput({ text: correct ? 'Correct!' : 'Incorrect.', reward: correct ? 1 : 0, finished: true });
  },
});

const sleep = defineTool({
  name: 'sleep',
  description: 'Waits ms milliseconds, then answers',
  input: Type.Object({ ms: Type.Integer({ minimum: 0 }) }),
  run: async ({ ms }) => {
    await new Promise((r) => setTimeout(r, ms));
    return toolOutput({ text: `slept ${ms}` });
  },
});

const held = defineTool({
  name: 'held',
  description: 'Waits until the test opens the gate of the same name',
  input: Type.Object({ gate: Type.String() }),
  run: async ({ gate: name }) => {
    await gate(name);
    return toolOutput({ text: `released ${name}` });
  },
});

const echo = defineTool({
  name: 'echo',
  description: 'Returns the text it was given (used for large payloads)',
  input: Type.Object({ text: Type.String(), repeat: Type.Optional(Type.Integer({ minimum: 1 })) }),
  run: ({ text, repeat }) => toolOutput({ text: text.repeat(repeat ?? 1), metadata: { repeat: repeat ?? 1 } }),
});

const boom = defineTool({
  name: 'boom',
  description: 'Raises an environment fault',
  input: null,
  run: () => {
    throw new Error('kaboom: the environment broke');
  },
});

const refuse = defineTool({
  name: 'refuse',
  description: 'Raises a ToolError (an agent mistake)',
  input: null,
  run: () => {
    throw new ToolError('that is not allowed');
  },
});

const raw = defineTool({
  name: 'raw',
  description: 'Returns a hand-built ToolOutput with optional keys left out (or a broken one)',
  input: Type.Object({ broken: Type.Optional(Type.Boolean()) }),
  run: ({ broken }) =>
    (broken
      ? { blocks: 'not a list' }
      : { blocks: [{ type: 'text', text: 'plain' }, { type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' }] }) as never,
});

const secretCheck = defineTool({
  name: 'secret_names',
  description: 'Lists the names of the secrets this episode received',
  input: null,
  run: (_input, state: State) => toolOutput({ text: Object.keys(state.secrets).sort().join(','), metadata: { len: Object.values(state.secrets).join('').length } }),
});

export function testEnvironment(name = 'gsm8kenv'): Environment<State> {
  return defineEnvironment<State>({
    name,
    splits: [
      { name: 'train', type: 'train' },
      { name: 'test', type: 'test' },
    ],
    tasks: arrayTasks(TASKS),
    tools: [answer, sleep, held, echo, boom, refuse, raw, secretCheck],
    async open({ task, secrets }) {
      if (task.fail_setup) throw new Error('setup exploded');
      if (task.busy_setup) throw new EnvironmentBusyError('at capacity: 64 instances waiting; retry shortly');
      if (typeof task.hold_setup === 'string') await gate(task.hold_setup);
      const state: State = { task, secrets, closed: teardowns };
      const hint = defineTool({
        name: 'hint',
        description: 'A task-specific tool',
        input: null,
        run: () => toolOutput({ text: 'Think step by step.' }),
      });
      return {
        state,
        prompt: () => [textBlock(String(task.question ?? ''))],
        tools: [hint],
        close: () => {
          teardowns.count++;
        },
      };
    },
  });
}

export async function startServer(opts: Partial<ServerOptions> = {}): Promise<{ server: OrsServer; url: string }> {
  const server = await buildServer({ environments: [testEnvironment()], ...opts });
  const url = await server.listen({ port: 0 });
  return { server, url };
}

export interface SseEvent {
  event: string;
  data: string;
}

/** Parses an SSE text the standard way: exactly one space stripped after `data:`. */
export function parseSse(text: string, stripAll = false): { events: SseEvent[]; comments: string[] } {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let event = '';
  let data: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (event !== '' || data.length > 0) events.push({ event: event || 'message', data: data.join('\n') });
      event = '';
      data = [];
    } else if (line.startsWith(':')) {
      comments.push(line);
    } else {
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (stripAll) value = pythonLstrip(value);
      else if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
  }
  return { events, comments };
}

/** Python's str.lstrip(): what the reference client does to every `data:` value. */
export function pythonLstrip(s: string): string {
  return s.replace(/^[\s\u001c-\u001f\u0085]+/u, '');
}

/** Joins chunk…end data and parses it, as a client does. */
export function resultOf(events: SseEvent[]): any {
  const body = events.filter((e) => e.event === 'chunk' || e.event === 'end').map((e) => e.data).join('');
  return JSON.parse(body);
}

export function post(url: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url + path, {
    method: 'POST',
    redirect: 'manual',
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export function get(url: string, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url + path, { redirect: 'manual', headers });
}

/** Creates a session on the test env and waits for its setup (via /prompt). */
export async function openSession(url: string, body: JsonObject = { env_name: 'gsm8kenv', split: 'train', index: 0 }, headers: Record<string, string> = {}): Promise<string> {
  const sid = crypto.randomUUID();
  const res = await post(url, '/create', body, { 'x-session-id': sid, ...headers });
  if (res.status !== 200) throw new Error(`create failed: ${res.status} ${await res.text()}`);
  return sid;
}

export async function call(url: string, sid: string, body: JsonObject): Promise<{ status: number; text: string; events: SseEvent[]; comments: string[]; headers: Headers }> {
  const res = await post(url, '/gsm8kenv/call', body, { 'x-session-id': sid, accept: 'text/event-stream' });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers, ...parseSse(text) };
}

/** No lone surrogate (String.prototype.isWellFormed is ES2024, beyond our lib target). */
export function isWellFormed(s: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}
