// GET /metrics (Prometheus text format) and the hook that counts error responses.

import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';

export function metricsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { metrics } = ctx;
  app.addHook('onResponse', (_req, reply, done) => {
    if (reply.statusCode >= 400) metrics.observeHttpError(reply.statusCode);
    done();
  });
  app.get('/metrics', async (_req, reply) => {
    reply.type('text/plain; version=0.0.4; charset=utf-8');
    return metrics.render({
      sessionsLive: () => ctx.sessions.size,
      callsRunning: () => ctx.call.running.size,
      draining: () => ctx.lifecycle.draining,
    });
  });
}
