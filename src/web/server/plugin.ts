// The viewer as a fastify plugin: the static app and its JSON API, mounted under a prefix
// (`/ui`). It reads the runs store of one GENEGYM_HOME and never writes to it.
//
//   GET /api/runs                               every run with its summary numbers
//   GET /api/leaderboard                        one row per (model/agent, env, split)
//   GET /api/runs/:id                           config, summary (summarise), domains
//   GET /api/runs/:id/episodes?offset&limit&outcome&domain&q    a page of final episodes
//   GET /api/runs/:id/episodes/:key             one transcript, long outputs cut to a preview
//   GET /api/runs/:id/episodes/:key/events/:i   one transcript event in full
//   GET /api/runs/:id/episodes/:key/expected    the answer key (regenerated server-side)
//   GET /api/compare?a&b                        paired comparison (compareRecords) and flips

import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Outcome } from '../../runs/types.js';
import { type AnswerKeySource, BuiltinAnswerKeys } from './answer-keys.js';
import type { EpisodePage, EpisodeView } from './api-types.js';
import { RunNotFoundError, RunsView } from './runs-view.js';
import { shapeEpisode, shapeEvent } from './transcript.js';
import { OUTCOMES, readRecordAt, RunChangedError } from './viewer-index.js';

export interface ViewerOptions {
  home: string;
  /** folder of the built app (index.html + assets); null serves the API only */
  bundleDir: string | null;
  answerKeys?: AnswerKeySource;
  /** summarise every run before serving (the leaderboard is then ready; unchanged runs come from the summary cache) */
  warm?: boolean;
}

export const MAX_PAGE = 1000;

class BadRequest extends Error {}

function intParam(raw: unknown, name: string, dflt: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return dflt;
  const s = String(raw);
  if (!/^\d+$/.test(s)) throw new BadRequest(`${name} must be a non-negative integer (got ${JSON.stringify(s)})`);
  const n = Number(s);
  if (n < min || n > max) throw new BadRequest(`${name} must be between ${min} and ${max} (got ${n})`);
  return n;
}

function strParam(raw: unknown): string | undefined {
  return typeof raw === 'string' && raw !== '' ? raw : undefined;
}

export const viewerPlugin: FastifyPluginAsync<ViewerOptions> = async (app: FastifyInstance, opts: ViewerOptions) => {
  const view = new RunsView(opts.home);
  if (opts.warm) {
    const { runs, ms } = view.warm();
    app.log.info(`viewer: summarised ${runs} runs in ${Math.round(ms)} ms`);
  }
  const ownKeys = opts.answerKeys ? null : new BuiltinAnswerKeys({ home: opts.home });
  const answerKeys = opts.answerKeys ?? ownKeys!;
  app.addHook('onClose', async () => {
    view.close();
    await ownKeys?.close();
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    if (err instanceof RunNotFoundError) return reply.code(404).send({ detail: err.message });
    if (err instanceof BadRequest) return reply.code(400).send({ detail: err.message });
    if (err instanceof RunChangedError) return reply.code(409).send({ detail: err.message });
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) return reply.code(err.statusCode).send({ detail: err.message });
    req.log.error({ err }, 'viewer error');
    return reply.code(500).send({ detail: `viewer error: ${err.message}` });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ detail: `not found: ${req.method} ${req.url}` }));

  // Run data can change under the viewer (a run in progress): never cache API answers.
  const json = (reply: FastifyReply, body: unknown) => reply.header('cache-control', 'no-store').send(body);

  app.get('/api/runs', async (_req, reply) => json(reply, view.list()));
  app.get('/api/leaderboard', async (_req, reply) => json(reply, view.leaderboard()));

  app.get<{ Params: { id: string } }>('/api/runs/:id', async (req, reply) => json(reply, view.detail(req.params.id)));

  app.get<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>('/api/runs/:id/episodes', async (req, reply) => {
    const q = req.query;
    const outcome = strParam(q.outcome);
    if (outcome !== undefined && !OUTCOMES.includes(outcome as Outcome)) throw new BadRequest(`outcome must be one of ${OUTCOMES.join(', ')} (got ${JSON.stringify(outcome)})`);
    const offset = intParam(q.offset, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = intParam(q.limit, 'limit', 100, 1, MAX_PAGE);
    const { table } = view.open(req.params.id);
    const page = table.page({ outcome: outcome as Outcome | undefined, domain: strParam(q.domain), q: strParam(q.q), offset, limit });
    const body: EpisodePage = { offset, limit, ...page };
    return json(reply, body);
  });

  const episode = (id: string, key: string) => {
    const run = view.open(id);
    const row = view.row(run, key);
    try {
      return { ...run, row, record: readRecordAt(run.store, row) };
    } catch (err) {
      if (err instanceof RunChangedError) view.index.forget(run.store.id); // the next request rebuilds its rows
      throw err;
    }
  };

  app.get<{ Params: { id: string; key: string } }>('/api/runs/:id/episodes/:key', async (req, reply) => {
    const { store, table, row, record } = episode(req.params.id, req.params.key);
    const attempts = table.attempts(row.key).map((a) => ({ attempt: a.attempt, outcome: a.outcome, detail: a.detail, started_at: a.started_at, final: a.offset === row.offset }));
    const body: EpisodeView = { run: { run_id: store.id, env: store.config.env, split: store.config.split, label: store.config.model ?? store.config.agent }, attempts, ...shapeEpisode(record) };
    return json(reply, body);
  });

  app.get<{ Params: { id: string; key: string; i: string } }>('/api/runs/:id/episodes/:key/events/:i', async (req, reply) => {
    const { record } = episode(req.params.id, req.params.key);
    const i = intParam(req.params.i, 'event index', 0, 0, Number.MAX_SAFE_INTEGER);
    if (i >= record.transcript.length) throw new RunNotFoundError(`episode ${record.key} has ${record.transcript.length} events; no event ${i}`);
    return json(reply, { index: i, event: record.transcript[i], preview: shapeEvent(record.transcript[i], i).truncated ?? null });
  });

  app.get<{ Params: { id: string; key: string } }>('/api/runs/:id/episodes/:key/expected', async (req, reply) => {
    const { store, record } = episode(req.params.id, req.params.key);
    return json(reply, await answerKeys.expected(store.config.env, record));
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/api/compare', async (req, reply) => {
    const a = strParam(req.query.a);
    const b = strParam(req.query.b);
    if (!a || !b) throw new BadRequest('compare needs two run ids: ?a=RUN&b=RUN');
    return json(reply, view.compare(a, b));
  });

  // The app itself: index.html at the prefix root, assets beside it.
  const bundleDir = opts.bundleDir;
  if (bundleDir && existsSync(join(bundleDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: bundleDir, prefix: '/', index: false, wildcard: true, decorateReply: true });
    app.get('/', { prefixTrailingSlash: 'slash' }, (_req, reply) => reply.header('cache-control', 'no-cache').sendFile('index.html'));
  } else {
    app.get('/', { prefixTrailingSlash: 'slash' }, (_req, reply) =>
      reply.code(503).type('text/plain').send('The genegym web viewer is not built: run `npm run build:web` (npm install does it), then reload.'),
    );
  }
  // `/ui` → `/ui/`, so the page's relative asset paths resolve under the prefix.
  app.get('/', { prefixTrailingSlash: 'no-slash' }, (req, reply) => reply.redirect(`${req.url.split('?')[0]}/`, 302));
};

/** Mounts the viewer at `prefix` (default `/ui`). */
export async function mountViewer(app: FastifyInstance, opts: ViewerOptions & { prefix?: string }): Promise<void> {
  await app.register(viewerPlugin, { ...opts, prefix: opts.prefix ?? '/ui' });
}
