// Child process of bench/ors.bench.ts: serves the two targets on loopback so that the load
// generator and the servers do not share one event loop.
//  - our ORS server hosting a one-tool environment (`echo`, the trivial tool);
//  - a bare fastify route that answers with one SSE event carrying the same payload.

import { Type } from '@sinclair/typebox';
import Fastify from 'fastify';
import { arrayTasks, defineEnvironment, defineTool } from '../src/ors/environment.js';
import { buildServer } from '../src/ors/server/index.js';
import { textBlock, toolOutput } from '../src/ors/types.js';

const echo = defineTool({
  name: 'echo',
  description: 'Returns its text.',
  input: Type.Object({ text: Type.String() }),
  run: (input) => toolOutput({ text: input.text, reward: 0 }),
});

const benchEnv = defineEnvironment({
  name: 'bench',
  splits: [{ name: 'train', type: 'train' }],
  tasks: arrayTasks({ train: [{ id: 0 }] }),
  tools: [echo],
  open: () => ({ state: null, prompt: () => [textBlock('Call echo.')] }),
});

const ors = await buildServer({ environments: [benchEnv], maxSessions: 2000, logger: false });
const orsUrl = await ors.listen({ port: 0, host: '127.0.0.1' });

const bare = Fastify({ logger: false });
bare.post('/sse', (request, reply) => {
  const { input } = request.body as { input: { text: string } };
  const payload = JSON.stringify({ ok: true, output: toolOutput({ text: input.text, reward: 0 }) });
  reply.hijack();
  reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  reply.raw.end(`event: end\r\ndata: ${payload}\r\n\r\n`);
});
const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });

process.send!({ orsUrl, bareUrl });
process.on('message', async (msg) => {
  // CPU time this process has used, so the parent can charge server CPU to each slice.
  if (msg === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send!({ cpuMicros: user + system });
  }
  if (msg === 'stop') {
    await Promise.allSettled([ors.close(), bare.close()]);
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
