// Session endpoints: create_session, create, ping, prompt, task_tools, call, delete,
// delete_session.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidTaskError, type Environment } from '../../environment.js';
import { normaliseBlock, type JsonObject } from '../../types.js';
import { callBody, createBody } from '../bodies.js';
import { resumeCall, startCall } from '../call.js';
import { envByName, pathEnv, sessionId, type ServerContext } from '../context.js';
import { clip, HttpError } from '../errors.js';
import { mergeSecrets, parseSecretsHeader } from '../secrets.js';
import { SseStream, sseEvent } from '../sse.js';
import { resolveIndex, taskAt } from '../tasks.js';
import { sortedSpecs } from './discovery.js';
import { randomUUID } from 'node:crypto';

type EnvParams = { Params: { env: string } };

export function sessionRoutes(app: FastifyInstance, ctx: ServerContext): void {
  // Stateless: only mints an id. SSE for the reference client, JSON for clients that do
  // not ask for an event stream (the spec's guides).
  app.post('/create_session', async (req: FastifyRequest, reply: FastifyReply) => {
    const sid = randomUUID();
    if (!acceptsEventStream(req)) return { sid };
    reply.hijack();
    new SseStream(reply.raw).send(sseEvent('task_id', sid) + sseEvent('end', ''));
  });

  app.post('/create', async (req) => {
    const body = createBody(req.body);
    const sid = sessionId(req);
    const secrets = mergeSecrets(parseSecretsHeader(req.headers['x-secrets']), body.secrets);
    if (ctx.sessions.get(sid)) throw new HttpError(400, 'Session already exists');
    if (body.env_name === null && body.task_spec === null && ctx.envs.size > 1) {
      // The reference Python client sends split/index without env_name, then addresses its
      // environment in the path (`/{env}/prompt`). The reference server would open the default
      // environment and ignore that path, silently serving another environment's task; we let
      // the first env-scoped request choose. A split/index no environment has is still a 400 here.
      const [split, index] = [body.split!, body.index!];
      await someEnvironmentHas(ctx, split, index);
      ctx.sessions.createUnbound(sid, ctx.defaultEnv, secrets, (env) => taskAt(env, split, index));
      return { sid };
    }
    const env = body.env_name === null ? ctx.defaultEnv : envByName(ctx, body.env_name);
    const task = body.task_spec ?? (await taskAt(env, body.split!, body.index!));
    // A client's own spec is checked now, so a bad one is a 400 here rather than a 500 at /prompt.
    if (body.task_spec !== null) await checkTaskSpec(env, task);
    if (ctx.sessions.get(sid)) throw new HttpError(400, 'Session already exists');
    ctx.sessions.create(sid, env, task, secrets);
    return { sid };
  });

  app.post('/ping', async (req) => {
    const session = ctx.sessions.get(sessionId(req));
    if (!session) throw new HttpError(404, 'Active environment not found');
    session.touch();
    return { status: 'ok' };
  });

  app.post('/delete', async (req) => {
    const sid = sessionId(req);
    await ctx.sessions.delete(sid);
    return { sid };
  });

  app.post('/delete_session', async (req) => ({ sid: sessionId(req) }));

  app.get<EnvParams>('/:env/prompt', async (req) => {
    const env = pathEnv(ctx, req);
    const { episode } = await ctx.sessions.episodeOf(sessionId(req), env);
    const blocks = await episode.prompt();
    return blocks.map(normaliseBlock);
  });

  app.get<EnvParams>('/:env/task_tools', async (req) => {
    const env = pathEnv(ctx, req);
    const { session } = await ctx.sessions.episodeOf(sessionId(req), env);
    return { tools: [...sortedSpecs(session.env.tools), ...sortedSpecs(sessionOnlyTools(session))] };
  });

  app.post<EnvParams>('/:env/call', async (req, reply) => {
    const env = pathEnv(ctx, req);
    const body = callBody(req.body);
    const { session, episode } = await ctx.sessions.episodeOf(sessionId(req), env);
    reply.hijack();
    if (body.task_id !== null) resumeCall(ctx.call, reply.raw, session, body.task_id);
    else startCall(ctx.call, reply.raw, session, episode, body.name, body.input);
  });
}

/** The environment's checkTask: InvalidTaskError becomes a 400 with its (bounded) message. */
async function checkTaskSpec(env: Environment, task: JsonObject): Promise<void> {
  if (!env.checkTask) return;
  try {
    await env.checkTask(task);
  } catch (err) {
    if (err instanceof InvalidTaskError) throw new HttpError(400, `Invalid task_spec: ${clip(err.message)}`);
    throw err;
  }
}

/** 400 (the default environment's error, as the reference gives) unless some environment has this task. */
async function someEnvironmentHas(ctx: ServerContext, split: string, index: number): Promise<void> {
  let firstError: unknown;
  for (const env of [ctx.defaultEnv, ...ctx.envs.values()]) {
    try {
      await resolveIndex(env, split, index);
      return;
    } catch (err) {
      if (!(err instanceof HttpError) || err.statusCode !== 400) throw err;
      firstError ??= err;
    }
  }
  throw firstError;
}

function sessionOnlyTools(session: { env: { tools: { name: string }[] }; tools?: Map<string, { name: string }> }) {
  const shared = new Set(session.env.tools.map((t) => t.name));
  return [...(session.tools?.values() ?? [])].filter((t) => !shared.has(t.name));
}

function acceptsEventStream(req: FastifyRequest): boolean {
  const accept = req.headers.accept;
  return typeof accept === 'string' && accept.toLowerCase().includes('text/event-stream');
}
