// A fastify server that serves only the viewer (`genegym view`, tests, the bench).

import Fastify, { type FastifyInstance } from 'fastify';
import type { AnswerKeySource } from './answer-keys.js';
import { mountViewer } from './plugin.js';

export interface ViewerServer {
  app: FastifyInstance;
  /** base URL of the app, ending in /ui/ */
  url: string;
  close(): Promise<void>;
}

export async function startViewer(opts: { home: string; bundleDir: string | null; host?: string; port?: number; answerKeys?: AnswerKeySource; warm?: boolean }): Promise<ViewerServer> {
  const app = Fastify({ logger: false, forceCloseConnections: true });
  await mountViewer(app, { home: opts.home, bundleDir: opts.bundleDir, answerKeys: opts.answerKeys, warm: opts.warm });
  app.get('/', (_req, reply) => reply.redirect('/ui/', 302));
  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  const addr = app.server.address();
  if (addr === null || typeof addr === 'string') throw new Error('viewer has no TCP address');
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return { app, url: `http://${host}:${addr.port}/ui/`, close: () => app.close() };
}
