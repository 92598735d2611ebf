// The genegym ORS server. `buildServer` returns a fastify app serving the given
// environments over the Open Reward Standard (wire details: /work/shared/research/ors.md).

import type { FastifyInstance } from 'fastify';
import type { Environment } from '../environment.js';
import { createApp } from './app.js';
import type { ServerContext } from './context.js';
import { RunningCalls } from './running-calls.js';
import { SessionRegistry } from './sessions.js';
import { ServerMetrics } from './metrics.js';
import { shutdown } from './shutdown.js';
import { precompile } from './tool-input.js';

export interface ServerOptions {
  environments: Environment[];
  /** Require `X-API-Key` or `Authorization: Bearer` on every endpoint but /health. */
  apiKey?: string;
  /** Tear a session down after this long without activity (default 900000 = 15 min). */
  idleTimeoutMs?: number;
  /** How often the idle reaper runs (default min(5000, idleTimeoutMs / 4)). */
  reapIntervalMs?: number;
  /** Live sessions allowed at once; /create answers 429 above (default 1000). */
  maxSessions?: number;
  /** Largest request body in bytes; 413 above (default 1 MiB). */
  bodyLimit?: number;
  /** A connection that has not sent a request's headers this long after it began is closed (default 10000). */
  headersTimeoutMs?: number;
  /** A request (headers and body) must have arrived this long after its first byte, else the connection is closed (default 30000); SSE responses are not limited. */
  requestTimeoutMs?: number;
  /** Open TCP connections at once; further ones are closed on arrival (default 4096). */
  maxConnections?: number;
  /** Keep-alive comment interval on /call streams (default 10000; clients give up after 30 s of silence). */
  keepAliveMs?: number;
  /** How long a finished call's result stays replayable by task_id (default and minimum 60000). */
  resultTtlMs?: number;
  /**
   * How long close() waits for running tool calls, session teardowns and environment
   * disposal (default 10000). Past it, running calls end with an `error` event, teardowns
   * are left behind with a warning and open connections are cut; close() then resolves.
   */
  shutdownGraceMs?: number;
  /**
   * On close(), how long /health answers 503 (draining) while everything else is still served,
   * before the shutdown proper starts (default 0): time for a load balancer's health checks to
   * take the replica out of rotation.
   */
  drainDelayMs?: number;
  logger?: boolean | object;
  /** Registers more routes (e.g. the web viewer at /ui) before the app starts; they sit behind the same API-key check. */
  extend?: (app: FastifyInstance) => Promise<void>;
}

export interface OrsServer {
  app: FastifyInstance;
  /** Starts listening (default 127.0.0.1:8080); resolves to the base URL. */
  listen(opts?: { port?: number; host?: string }): Promise<string>;
  /** Stops accepting requests, waits for running tool calls, tears all sessions down; bounded by shutdownGraceMs. */
  close(): Promise<void>;
}

export async function buildServer(options: ServerOptions): Promise<OrsServer> {
  const { environments } = options;
  if (environments.length === 0) throw new Error('an ORS server needs at least one environment');
  const envs = new Map<string, Environment>();
  for (const env of environments) {
    const key = env.name.toLowerCase();
    if (envs.has(key)) throw new Error(`duplicate environment ${key}`);
    if (env.tools.length === 0) throw new Error(`environment ${key} has no tools`);
    if (env.splits.length === 0) throw new Error(`environment ${key} has no splits`);
    for (const tool of env.tools) precompile(tool);
    envs.set(key, env);
  }

  const idleTimeoutMs = positive('idleTimeoutMs', options.idleTimeoutMs ?? 900_000);
  const keepAliveMs = positive('keepAliveMs', options.keepAliveMs ?? 10_000);
  const resultTtlMs = Math.max(60_000, options.resultTtlMs ?? 60_000);
  const maxSessions = positive('maxSessions', options.maxSessions ?? 1000);
  const bodyLimit = positive('bodyLimit', options.bodyLimit ?? 1024 * 1024);
  const headersTimeoutMs = positive('headersTimeoutMs', options.headersTimeoutMs ?? 10_000);
  const requestTimeoutMs = positive('requestTimeoutMs', options.requestTimeoutMs ?? 30_000);
  if (requestTimeoutMs < headersTimeoutMs) throw new Error(`requestTimeoutMs (${requestTimeoutMs}) must not be below headersTimeoutMs (${headersTimeoutMs})`);
  const maxConnections = positive('maxConnections', options.maxConnections ?? 4096);
  const shutdownGraceMs = options.shutdownGraceMs ?? 10_000;
  if (!Number.isFinite(shutdownGraceMs) || shutdownGraceMs < 0) throw new Error(`shutdownGraceMs must be a non-negative number (got ${shutdownGraceMs})`);
  const drainDelayMs = options.drainDelayMs ?? 0;
  if (!Number.isFinite(drainDelayMs) || drainDelayMs < 0) throw new Error(`drainDelayMs must be a non-negative number (got ${drainDelayMs})`);
  const reapIntervalMs = positive('reapIntervalMs', options.reapIntervalMs ?? Math.max(10, Math.min(5000, idleTimeoutMs / 4)));

  let app: FastifyInstance | undefined;
  const logError = (message: string, err: unknown) => app?.log.error({ err }, message);
  const sessions = new SessionRegistry({ idleTimeoutMs, reapIntervalMs, resultTtlMs, maxSessions, onError: logError });
  const running = new RunningCalls();
  const metrics = new ServerMetrics();
  const ctx: ServerContext = {
    envs,
    defaultEnv: environments[0],
    sessions,
    call: { keepAliveMs, running, onToolFault: logError, metrics },
    metrics,
    lifecycle: { draining: false },
  };

  let closing: Promise<void> | undefined;
  app = createApp(ctx, {
    apiKey: options.apiKey,
    bodyLimit,
    headersTimeoutMs,
    requestTimeoutMs,
    maxConnections,
    logger: options.logger ?? false,
  });
  if (options.extend) await options.extend(app);
  await app.ready();
  sessions.startReaper();

  const fastify = app;
  return {
    app: fastify,
    async listen(opts = {}) {
      await fastify.listen({ port: opts.port ?? 8080, host: opts.host ?? '127.0.0.1' });
      const addr = fastify.server.address();
      if (addr === null || typeof addr === 'string') throw new Error('server has no TCP address');
      const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      return `http://${host}:${addr.port}`;
    },
    close() {
      ctx.lifecycle.draining = true;
      const stop = () =>
        shutdown({
          app: fastify,
          running,
          sessions,
          environments,
          graceMs: shutdownGraceMs,
          warn: (message) => fastify.log.warn(message),
        });
      // Without a drain delay the shutdown starts now, as before (stops listening at once).
      closing ??= drainDelayMs > 0 ? new Promise((r) => setTimeout(r, drainDelayMs)).then(stop) : stop();
      return closing;
    },
  };
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number (got ${value})`);
  return value;
}
