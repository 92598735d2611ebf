// Turns command-line choices into the pieces of a run: the environment driver (in-process
// from the registry, or remote by URL), the agent (a model or a built-in scripted agent),
// the task plan, and a run id.

import { createHash, randomBytes } from 'node:crypto';
import { findBuiltinAgent } from '../agents/builtin.js';
import { InProcessDriver } from '../agents/in-process.js';
import { ModelAgent } from '../agents/model-agent.js';
import { RemoteDriver } from '../agents/remote.js';
import { OrsClient } from '../ors/client/index.js';
import type { EnvDriver } from '../agents/target.js';
import type { Agent } from '../agents/types.js';
import { environments, findEnvironment } from '../envs/registry.js';
import type { EnvOptions } from '../envs/registry-types.js';
import { createModel, defaultCacheDir } from '../models/index.js';
import type { RetryPolicy } from '../models/retry.js';
import type { RetryEvent } from '../models/retry.js';
import { taskIdOf } from './outcome.js';
import type { RunConfig } from './types.js';

export async function buildDriver(cfg: Pick<RunConfig, 'env' | 'server'>, envOptions: EnvOptions): Promise<EnvDriver> {
  if (cfg.server) {
    // a mistyped --env names what the server does serve, not a bare 404 of /<env>/splits
    const served = await new OrsClient({ baseUrl: cfg.server }).listEnvironments();
    if (!served.includes(cfg.env.toLowerCase())) throw new Error(`the ORS server ${cfg.server} has no environment '${cfg.env}' (it serves: ${served.join(', ') || 'none'})`);
    return new RemoteDriver({ baseUrl: cfg.server, env: cfg.env });
  }
  const entry = findEnvironment(cfg.env);
  if (!entry) {
    throw new Error(`unknown environment '${cfg.env}' (known in-process: ${environments.map((e) => e.name).join(', ') || 'none'}); use --server URL for a remote one`);
  }
  return new InProcessDriver(await entry.load(envOptions));
}

export interface AgentBuildOptions {
  home: string;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  onRetry?: (e: RetryEvent) => void;
}

export async function buildAgent(cfg: RunConfig, opts: AgentBuildOptions): Promise<Agent> {
  if (!cfg.model) {
    const agent = await findBuiltinAgent(cfg.agent, cfg.env);
    if (cfg.server && agent.inProcessOnly) throw new Error(`built-in agent ${agent.name} reads the environment's answer keys in-process and cannot play a remote server; drop --server`);
    return agent;
  }
  const model = createModel(cfg.model, {
    baseUrl: cfg.base_url ?? undefined,
    apiKeyEnv: cfg.api_key_env ?? undefined,
    timeoutMs: opts.timeoutMs,
    retry: opts.retry,
    maxConcurrency: cfg.concurrency,
    cacheDir: cfg.cache ? defaultCacheDir(opts.home) : null,
    onRetry: opts.onRetry,
  });
  return new ModelAgent(model, { temperature: cfg.temperature ?? undefined });
}

/**
 * Task indices to run: `--tasks` entries are indices or task ids (ids are looked up by
 * scanning the split in pages), then `--limit` keeps the first n.
 */
export async function planTasks(driver: EnvDriver, split: string, opts: { tasks?: string[]; limit?: number }): Promise<number[]> {
  const splits = await driver.splits();
  if (!splits.some((s) => s.name === split)) {
    throw new Error(`environment ${driver.env} has no split '${split}' (splits: ${splits.map((s) => s.name).join(', ')})`);
  }
  const n = await driver.numTasks(split);
  let indices: number[];
  if (opts.tasks && opts.tasks.length > 0) {
    const wanted = new Map<string, number | null>(opts.tasks.map((t) => [t, null]));
    for (const t of opts.tasks) {
      if (/^\d+$/.test(t) && Number(t) < n) wanted.set(t, Number(t));
    }
    const ids = [...wanted.entries()].filter(([, v]) => v === null).map(([k]) => k);
    if (ids.length > 0) {
      const PAGE = 1000;
      const left = new Set(ids);
      for (let start = 0; start < n && left.size > 0; start += PAGE) {
        const page = await driver.taskRange(split, start, Math.min(n, start + PAGE));
        page.forEach((task, i) => {
          const id = taskIdOf(task, split, start + i);
          if (left.has(id)) {
            wanted.set(id, start + i);
            left.delete(id);
          }
        });
      }
      if (left.size > 0) throw new Error(`no task with id ${[...left].map((s) => JSON.stringify(s)).join(', ')} in split ${split}`);
    }
    indices = [...new Set([...wanted.values()] as number[])];
  } else {
    indices = Array.from({ length: opts.limit === undefined ? n : Math.min(n, opts.limit) }, (_, i) => i);
  }
  if (opts.limit !== undefined) indices = indices.slice(0, opts.limit);
  if (indices.length === 0) throw new Error(`nothing to run: split ${split} selects no tasks`);
  return indices;
}

/** sha256 over the task specs at `indices` (in order): the identity of a run's task set. */
export async function tasksFingerprint(driver: EnvDriver, split: string, indices: readonly number[]): Promise<string> {
  const h = createHash('sha256');
  // contiguous stretches are listed a page at a time
  for (let i = 0; i < indices.length; ) {
    let j = i + 1;
    while (j < indices.length && indices[j] === indices[j - 1] + 1 && j - i < 1000) j++;
    const page = await driver.taskRange(split, indices[i], indices[j - 1] + 1);
    for (const t of page) h.update(JSON.stringify(t)).update('\n');
    i = j;
  }
  return h.digest('hex');
}

export function newRunId(env: string, who: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  const slug = who.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return `${stamp}-${env}-${slug}-${randomBytes(2).toString('hex')}`;
}

/** pass@k values to report: the requested ones, each checked against the epochs. */
export function resolveKs(epochs: number, requested: number[] | undefined): number[] {
  const ks = requested && requested.length > 0 ? requested : epochs > 1 ? [1, epochs] : [1];
  for (const k of ks) {
    if (!Number.isInteger(k) || k < 1) throw new Error(`pass@k: k must be a positive integer (got ${k})`);
    if (k > epochs) throw new Error(`pass@${k} needs at least ${k} epochs per task; run with --epochs ${k} or more (got --epochs ${epochs})`);
  }
  return [...new Set(ks)].sort((a, b) => a - b);
}
