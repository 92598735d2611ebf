// Index-addressed task access with the reference's Python semantics: negative indexes count
// from the end, ranges follow slice rules (clamped, stop exclusive).

import { UnknownSplitError, type Environment } from '../environment.js';
import type { JsonObject } from '../types.js';
import { HttpError } from './errors.js';

/** Largest split `/tasks` lists whole, and the largest `/task_range`, unless the env says otherwise. */
export const DEFAULT_MAX_LISTED = 10_000;

export async function countTasks(env: Environment, split: string): Promise<number> {
  if (!env.splits.some((s) => s.name === split)) throw new HttpError(400, 'Invalid split');
  try {
    return await env.tasks.count(split);
  } catch (err) {
    if (err instanceof UnknownSplitError) throw new HttpError(400, 'Invalid split');
    throw err;
  }
}

/** The position `index` names in the split (negative counts from the end); 400 when there is none. */
export async function resolveIndex(env: Environment, split: string, index: number): Promise<number> {
  const n = await countTasks(env, split);
  const i = index < 0 ? n + index : index;
  if (i < 0 || i >= n) throw new HttpError(400, 'Invalid index');
  return i;
}

export async function taskAt(env: Environment, split: string, index: number): Promise<JsonObject> {
  return env.tasks.get(split, await resolveIndex(env, split, index));
}

/** Python slice bounds of [start, stop) over n items. */
export function sliceBounds(n: number, start: number | null, stop: number | null): [number, number] {
  const clamp = (v: number) => Math.min(n, Math.max(0, v < 0 ? n + v : v));
  const s = start === null ? 0 : clamp(start);
  const e = stop === null ? n : clamp(stop);
  return [s, Math.max(s, e)];
}

export async function taskRange(env: Environment, split: string, start: number | null, stop: number | null): Promise<JsonObject[]> {
  const n = await countTasks(env, split);
  const [s, e] = sliceBounds(n, start, stop);
  const max = env.maxListedTasks ?? DEFAULT_MAX_LISTED;
  if (e - s > max) throw new HttpError(400, `Invalid index range: at most ${max} tasks per request (asked for ${e - s})`);
  return readRange(env, split, s, e);
}

export async function allTasks(env: Environment, split: string): Promise<JsonObject[]> {
  const n = await countTasks(env, split);
  const max = env.maxListedTasks ?? DEFAULT_MAX_LISTED;
  if (n > max) {
    throw new HttpError(
      400,
      `list_tasks is not supported for this environment (split '${split}' has ${n} tasks). Use the index-based API (num_tasks + get_task) instead.`,
    );
  }
  return readRange(env, split, 0, n);
}

async function readRange(env: Environment, split: string, start: number, stop: number): Promise<JsonObject[]> {
  if (stop <= start) return [];
  if (env.tasks.range) return env.tasks.range(split, start, stop);
  const out: JsonObject[] = [];
  for (let i = start; i < stop; i++) out.push(await env.tasks.get(split, i));
  return out;
}
