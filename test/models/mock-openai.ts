// A scripted OpenAI-compatible chat-completions server on loopback, for tests and the
// benchmark. Each request goes to `script`, which answers with a completion, an HTTP error,
// a hang (never answers) or raw bytes. The default script solves `arithmetic` tasks: one
// calculator call with the whole expression, then the answer.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stepExpression } from '../../src/agents/arithmetic.js';

export interface ChatRequestBody {
  model: string;
  messages: Array<{ role: string; content: string | null; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>; tool_call_id?: string }>;
  tools?: Array<{ type: string; function: { name: string } }>;
  seed?: number;
}

export type MockReply =
  | { kind: 'tool_calls'; calls: Array<{ name: string; arguments: string }>; content?: string | null }
  | { kind: 'text'; content: string }
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'hang' }
  | { kind: 'raw'; body: string };

export interface MockOptions {
  script?: (body: ChatRequestBody, n: number, headers: IncomingMessage['headers']) => MockReply | Promise<MockReply>;
  latencyMs?: number;
  usage?: { prompt_tokens: number; completion_tokens: number };
}

export interface MockServer {
  url: string;
  requests: ChatRequestBody[];
  headers: IncomingMessage['headers'][];
  close(): Promise<void>;
}

/** Builds one expression from the word problem: each sentence wraps the previous value. */
export function arithmeticExpression(question: string): string | null {
  let x: string | null = null;
  for (const s of question.split('\n\n')[0].split(/(?<=[.?])\s+/)) {
    const e = stepExpression(s, x === null ? '0' : `(${x})`);
    if (e !== null) x = e;
  }
  return x;
}

/** The default "model": calculator on the whole expression, then answer with its result. */
export function solveArithmetic(body: ChatRequestBody): MockReply {
  const tool = body.messages.filter((m) => m.role === 'tool').at(-1);
  if (tool && !(tool.content ?? '').startsWith('Error')) {
    const value = (tool.content ?? '').trim();
    if (!/^-?\d+(\.\d+)?$/.test(value)) return { kind: 'tool_calls', calls: [{ name: 'answer', arguments: JSON.stringify({ answer: '0' }) }] };
    return { kind: 'tool_calls', calls: [{ name: 'answer', arguments: JSON.stringify({ answer: value }) }] };
  }
  const user = body.messages.find((m) => m.role === 'user')?.content ?? '';
  const expr = arithmeticExpression(user);
  if (!expr) return { kind: 'text', content: 'I cannot read this problem.' };
  return { kind: 'tool_calls', calls: [{ name: 'calculator', arguments: JSON.stringify({ expression: expr }) }] };
}

export async function startMockOpenAI(opts: MockOptions = {}): Promise<MockServer> {
  const requests: ChatRequestBody[] = [];
  const headers: IncomingMessage['headers'][] = [];
  const hanging = new Set<ServerResponse>();
  const script = opts.script ?? ((b) => solveArithmetic(b));
  const usage = opts.usage ?? { prompt_tokens: 100, completion_tokens: 20 };
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404).end('{"error":{"message":"not found"}}');
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequestBody;
      const i = n++;
      requests.push(body);
      headers.push(req.headers);
      const reply = await script(body, i, req.headers);
      const send = () => {
        if (reply.kind === 'hang') {
          hanging.add(res);
          res.on('close', () => hanging.delete(res));
          return;
        }
        if (reply.kind === 'status') {
          res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
          res.end(reply.body ?? JSON.stringify({ error: { message: `mock status ${reply.status}`, type: 'mock' } }));
          return;
        }
        if (reply.kind === 'raw') {
          res.writeHead(200, { 'content-type': 'application/json' }).end(reply.body);
          return;
        }
        const message =
          reply.kind === 'text'
            ? { role: 'assistant', content: reply.content }
            : {
                role: 'assistant',
                content: reply.content ?? null,
                tool_calls: reply.calls.map((c, j) => ({ id: `call_${i}_${j}`, type: 'function', function: { name: c.name, arguments: c.arguments } })),
              };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: `chatcmpl-${i}`,
            object: 'chat.completion',
            created: 0,
            model: body.model,
            choices: [{ index: 0, message, finish_reason: reply.kind === 'text' ? 'stop' : 'tool_calls' }],
            usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
          }),
        );
      };
      if (opts.latencyMs) setTimeout(send, opts.latencyMs);
      else send();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    headers,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
