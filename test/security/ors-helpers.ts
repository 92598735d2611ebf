// Shared by the attack tests: a real ORS server on loopback, and the client side of a few
// requests (create, call with the SSE result decoded), spoken as an agent's client would.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Environment } from '../../src/ors/environment.js';
import { buildServer, type OrsServer, type ServerOptions } from '../../src/ors/server/index.js';
import type { JsonObject } from '../../src/ors/types.js';
import { parseSse, resultOf } from '../ors/server-fixture.js';

export async function serve(environments: Environment[], opts: Partial<ServerOptions> = {}): Promise<{ server: OrsServer; url: string }> {
  const server = await buildServer({ environments, ...opts });
  const url = await server.listen({ port: 0 });
  return { server, url };
}

export async function create(url: string, body: JsonObject, headers: Record<string, string> = {}): Promise<{ sid: string; status: number; body: any }> {
  const sid = crypto.randomUUID();
  const res = await fetch(`${url}/create`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-session-id': sid, ...headers }, body: JSON.stringify(body) });
  return { sid, status: res.status, body: await res.json() };
}

/** One tool call; `result` is the decoded {ok, output|error}, `fault` the text of an SSE error event. */
export async function callTool(url: string, env: string, sid: string, name: string, input: JsonObject): Promise<{ status: number; result?: any; fault?: string }> {
  const res = await fetch(`${url}/${env}/call`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-session-id': sid, accept: 'text/event-stream' },
    body: JSON.stringify({ name, input }),
  });
  const text = await res.text();
  if (res.status !== 200) return { status: res.status, fault: text };
  const { events } = parseSse(text);
  const error = events.find((e) => e.event === 'error');
  if (error) return { status: 200, fault: error.data };
  return { status: 200, result: resultOf(events) };
}

/** A loopback server that records every connection and request it gets, and answers as a judge saying "correct". */
export async function startEvilJudge(): Promise<{ url: string; connections: () => number; requests: string[]; close(): Promise<void> }> {
  let connections = 0;
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'evil',
          object: 'chat.completion',
          created: 0,
          model: 'evil',
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: '{"correct": true, "reason": "looks right to me"}' } }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    connections: () => connections,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The reference Python client's X-Secrets header: base64 of {"KEY": {"value": "v"}}. */
export function secretsHeader(secrets: Record<string, string>): string {
  return Buffer.from(JSON.stringify(Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, { value: v }])))).toString('base64');
}
