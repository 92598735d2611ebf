// Builds the fastify app of an ORS server: body handling, auth, the default-environment
// redirect, FastAPI-shaped errors and the routes.

import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { apiKeyCheck } from './auth.js';
import type { ServerContext } from './context.js';
import { clip, HttpError, internalErrorDetail, RedirectError, RequestValidationError, validationBody } from './errors.js';
import { discoveryRoutes } from './routes/discovery.js';
import { metricsRoutes } from './routes/metrics.js';
import { sessionRoutes } from './routes/sessions.js';

/** First path segments that are server-wide endpoints, never environment names. */
const ROOT_SEGMENTS = new Set([
  'health',
  'ping',
  'list_environments',
  'create',
  'delete',
  'create_session',
  'delete_session',
  'docs',
  'redoc',
  'openapi.json',
  'metrics',
]);

export interface AppOptions {
  apiKey?: string;
  bodyLimit: number;
  logger: boolean | object;
  /** a connection must have sent a request's headers this long after it began (or after its previous request ended) */
  headersTimeoutMs: number;
  /** ... and the whole request (headers and body) within this; responses, e.g. SSE streams, are not limited */
  requestTimeoutMs: number;
  /** open TCP connections at once; more are closed as they arrive */
  maxConnections: number;
}

export function createApp(ctx: ServerContext, opts: AppOptions): FastifyInstance {
  const app = Fastify({
    bodyLimit: opts.bodyLimit,
    logger: loggerOptions(opts.logger),
    // Clients keep connections alive between calls (uvicorn's default here is 60 s). Node
    // times headers only from a request's first byte (or a connection's start), not across the
    // keep-alive idle time, so a short headers timeout does not cut idle clients.
    keepAliveTimeout: 65_000,
    requestTimeout: opts.requestTimeoutMs,
    http: {
      headersTimeout: opts.headersTimeoutMs,
      requestTimeout: opts.requestTimeoutMs,
      // Node checks the timeouts every 30 s by default: a silent connection would outlive its limit by that much.
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(opts.headersTimeoutMs / 4))),
    },
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  app.server.maxConnections = opts.maxConnections;

  // Bodies stay raw strings: only routes that take a body parse it (FastAPI ignores bodies
  // sent to routes without one), and a parse error becomes a FastAPI-style 422.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  // Only a keyed server pays for a hook on every request.
  if (opts.apiKey !== undefined) {
    const authorised = apiKeyCheck(opts.apiKey);
    app.addHook('onRequest', (req, reply, done) => {
      const url = req.raw.url ?? '/';
      if ((url === '/health' || url.startsWith('/health?')) || authorised(req.headers)) return done();
      reply.code(401).header('www-authenticate', 'Bearer').send({ detail: 'Invalid or missing API key' });
    });
  }

  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    if (err instanceof HttpError) {
      if (err.headers) reply.headers(err.headers);
      return reply.code(err.statusCode).send({ detail: err.detail });
    }
    if (err instanceof RedirectError) return reply.redirect(err.location, 308);
    if (err instanceof RequestValidationError) return reply.code(422).send(validationBody(err.items));
    const status = (err as FastifyError).statusCode;
    if ((err as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({ detail: `Request body too large (limit ${opts.bodyLimit} bytes)` });
    }
    if (typeof status === 'number' && status >= 400 && status < 500) return reply.code(status).send({ detail: clip(err.message) });
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).send({ detail: internalErrorDetail(err) });
  });

  // Paths no route matches: env-less ones go to the default environment (query kept; 308
  // keeps method and body), the rest are 404. Paths whose first segment looks like an
  // environment are redirected by the routes themselves (see pathEnv).
  app.setNotFoundHandler((req, reply) => {
    const url = req.raw.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const first = path.replace(/^\/+/, '').split('/', 1)[0].toLowerCase();
    if (!ROOT_SEGMENTS.has(first) && !ctx.envs.has(first)) {
      reply.redirect(`/${ctx.defaultEnv.name}${url}`, 308);
      return;
    }
    reply.code(404).send({ detail: 'Not Found' });
  });

  metricsRoutes(app, ctx); // first: its hook counts the other routes' error responses
  discoveryRoutes(app, ctx);
  sessionRoutes(app, ctx);
  return app;
}

function loggerOptions(logger: boolean | object): FastifyServerOptions['logger'] {
  if (logger === false) return false;
  // Secrets and keys travel in headers; never let a log line carry them.
  const redact = {
    paths: ['req.headers["x-secrets"]', 'req.headers["x-api-key"]', 'req.headers.authorization', 'req.body.secrets'],
    censor: '[redacted]',
  };
  return logger === true ? { level: 'info', redact } : { redact, ...(logger as object) };
}
