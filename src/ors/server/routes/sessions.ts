// Session endpoints: create_session, create, ping, prompt, task_tools, call, delete,
// delete_session.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { normaliseBlock } from '../../types.js';
import { callBody, createBody } from '../bodies.js';
import { resumeCall, startCall } from '../call.js';
import { envByName, pathEnv, sessionId, type ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { mergeSecrets, parseSecretsHeader } from '../secrets.js';
import { SseStream, sseEvent } from '../sse.js';
import { taskAt } from '../tasks.js';
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
    const env = body.env_name === null ? ctx.defaultEnv : envByName(ctx, body.env_name);
    const task = body.task_spec ?? (await taskAt(env, body.split!, body.index!));
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
    pathEnv(ctx, req);
    const { episode } = await ctx.sessions.episodeOf(sessionId(req));
    const blocks = await episode.prompt();
    return blocks.map(normaliseBlock);
  });

  app.get<EnvParams>('/:env/task_tools', async (req) => {
    pathEnv(ctx, req);
    const { session } = await ctx.sessions.episodeOf(sessionId(req));
    return { tools: [...sortedSpecs(session.env.tools), ...sortedSpecs(sessionOnlyTools(session))] };
  });

  app.post<EnvParams>('/:env/call', async (req, reply) => {
    pathEnv(ctx, req);
    const body = callBody(req.body);
    const { session, episode } = await ctx.sessions.episodeOf(sessionId(req));
    reply.hijack();
    if (body.task_id !== null) resumeCall(ctx.call, reply.raw, session, body.task_id);
    else startCall(ctx.call, reply.raw, session, episode, body.name, body.input);
  });
}

function sessionOnlyTools(session: { env: { tools: { name: string }[] }; tools?: Map<string, { name: string }> }) {
  const shared = new Set(session.env.tools.map((t) => t.name));
  return [...(session.tools?.values() ?? [])].filter((t) => !shared.has(t.name));
}

function acceptsEventStream(req: FastifyRequest): boolean {
  const accept = req.headers.accept;
  return typeof accept === 'string' && accept.toLowerCase().includes('text/event-stream');
}
