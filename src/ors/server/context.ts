// What the route modules share: the environments by lowercase name and the session registry.

import type { FastifyRequest } from 'fastify';
import type { Environment } from '../environment.js';
import type { CallContext } from './call.js';
import { clip, HttpError, RedirectError } from './errors.js';

/** Longest X-Session-ID accepted (a UUID is 36). */
export const MAX_SESSION_ID = 256;
import type { SessionRegistry } from './sessions.js';
import type { ServerMetrics } from './metrics.js';

export interface ServerContext {
  envs: Map<string, Environment>;
  defaultEnv: Environment;
  sessions: SessionRegistry;
  call: CallContext;
  metrics: ServerMetrics;
  /** draining: told to stop; /health answers 503 so load balancers send new sessions elsewhere */
  lifecycle: { draining: boolean };
}

export function envByName(ctx: ServerContext, name: string): Environment {
  const env = ctx.envs.get(name.toLowerCase());
  if (!env) throw new HttpError(404, `unknown environment '${clip(name, 100)}'`);
  return env;
}

/**
 * The environment named by the path's first segment. An unknown name is not an error yet:
 * like the reference, the path is redirected under the default environment (query kept),
 * where it then 404s.
 */
export function pathEnv(ctx: ServerContext, req: FastifyRequest<{ Params: { env: string } }>): Environment {
  const env = ctx.envs.get(req.params.env.toLowerCase());
  if (!env) throw new RedirectError(`/${ctx.defaultEnv.name}${req.raw.url ?? '/'}`);
  return env;
}

/** The trimmed X-Session-ID header, 400 when absent. */
export function sessionId(req: FastifyRequest): string {
  const raw = req.headers['x-session-id'];
  const sid = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!sid) throw new HttpError(400, 'X-Session-ID header is required');
  if (sid.length > MAX_SESSION_ID) throw new HttpError(400, `X-Session-ID is longer than ${MAX_SESSION_ID} characters`);
  return sid;
}
