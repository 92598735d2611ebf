// Stateless discovery endpoints: health, environments, tools, splits and tasks.

import type { FastifyInstance } from 'fastify';
import { toolSpec } from '../../environment.js';
import { splitBody, taskBody, taskRangeBody } from '../bodies.js';
import { pathEnv, type ServerContext } from '../context.js';
import { allTasks, countTasks, taskAt, taskRange } from '../tasks.js';

type EnvParams = { Params: { env: string } };

export function discoveryRoutes(app: FastifyInstance, ctx: ServerContext): void {
  // A draining replica (SIGTERM received) fails its health check first, so a load balancer
  // stops sending it new sessions while it finishes the running calls.
  app.get('/health', async (_req, reply) => {
    if (ctx.lifecycle.draining) return reply.code(503).send({ status: 'draining' });
    return { status: 'ok' };
  });

  app.get('/list_environments', async () => [...ctx.envs.keys()]);

  app.get<EnvParams>('/:env/tools', async (req) => {
    const env = pathEnv(ctx, req);
    return { tools: sortedSpecs(env.tools) };
  });

  app.get<EnvParams>('/:env/splits', async (req) => {
    const env = pathEnv(ctx, req);
    return env.splits.map((s) => ({ name: s.name, type: s.type }));
  });

  app.post<EnvParams>('/:env/tasks', async (req) => {
    const env = pathEnv(ctx, req);
    const body = splitBody(req.body);
    return { tasks: await allTasks(env, body.split), env_name: req.params.env };
  });

  app.post<EnvParams>('/:env/num_tasks', async (req) => {
    const env = pathEnv(ctx, req);
    const body = splitBody(req.body);
    return { num_tasks: await countTasks(env, body.split) };
  });

  app.post<EnvParams>('/:env/task', async (req) => {
    const env = pathEnv(ctx, req);
    const body = taskBody(req.body);
    return { task: await taskAt(env, body.split, body.index) };
  });

  app.post<EnvParams>('/:env/task_range', async (req) => {
    const env = pathEnv(ctx, req);
    const body = taskRangeBody(req.body);
    return { tasks: await taskRange(env, body.split, body.start, body.stop) };
  });
}

/** Tool specs in name order, as the reference lists them. */
export function sortedSpecs(tools: { name: string }[]): ReturnType<typeof toolSpec>[] {
  return [...tools].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((t) => toolSpec(t as never));
}
