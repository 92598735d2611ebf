// The LRU of served instances, and where they are generated: registered cases on the worker
// pool (pool.ts) so the server's event loop stays free, anything else (test fixtures, a case
// object that is not the registered one) or `workers: 0` in-process.

import type { CaseStudy } from '../types.js';
import { generate, type GenerateOptions, type ServedInstance } from './generate.js';
import { GenerationPool, type PoolOptions } from './pool.js';

export interface InstanceCacheOptions extends GenerateOptions {
  /** LRU capacity (default 32) */
  capacity?: number;
  /**
   * Where registered cases are generated: a pool to share, pool options, or 0 / null for the
   * in-process fallback (tests). Default: a pool of defaultPoolSize() workers, created on first
   * use, unless GENEGYM_CASE_WORKERS=0 (GENEGYM_CASE_WORKERS=n sets the size).
   */
  workers?: GenerationPool | PoolOptions | 0 | null;
}

/** Workers from GENEGYM_CASE_WORKERS: unset → default pool, 0 → in-process, n → n workers. */
function workersFromEnv(): PoolOptions | 0 {
  const v = process.env.GENEGYM_CASE_WORKERS;
  if (v === undefined || v === '') return {};
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`GENEGYM_CASE_WORKERS must be a non-negative integer, got ${v}`);
  return n === 0 ? 0 : { size: n };
}

const registries = new Map<string, Promise<readonly CaseStudy[]>>();
/** True when `cs` is the case object the pool's registry holds under its id (a worker rebuilds it by id). */
async function isRegistered(cs: CaseStudy, registryUrl: string): Promise<boolean> {
  let r = registries.get(registryUrl);
  if (!r) registries.set(registryUrl, (r = import(registryUrl).then((m: { caseStudies: CaseStudy[] }) => m.caseStudies)));
  return (await r).some((c) => c === cs);
}

export class InstanceCache {
  private readonly map = new Map<string, Promise<ServedInstance>>();
  private readonly capacity: number;
  private readonly genOpts: GenerateOptions;
  private readonly poolSpec: GenerationPool | PoolOptions | 0 | null;
  private ownPool: GenerationPool | null = null;

  constructor(opts: InstanceCacheOptions = {}) {
    const { capacity, workers, ...genOpts } = opts;
    this.capacity = capacity ?? 32;
    this.genOpts = genOpts;
    this.poolSpec = workers === undefined ? workersFromEnv() : workers;
  }

  /** The pool registered cases are generated on, or null for in-process generation. */
  get pool(): GenerationPool | null {
    if (this.poolSpec === 0 || this.poolSpec === null) return null;
    if (this.poolSpec instanceof GenerationPool) return this.poolSpec;
    return (this.ownPool ??= new GenerationPool(this.poolSpec));
  }

  get(cs: CaseStudy, seed: number): Promise<ServedInstance> {
    const key = `${cs.id}:${seed}`;
    const hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const p = this.produce(cs, seed);
    this.map.set(key, p);
    p.catch(() => this.map.delete(key)); // failures (and a full queue) are not cached
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
    return p;
  }

  private async produce(cs: CaseStudy, seed: number): Promise<ServedInstance> {
    const pool = this.pool;
    if (pool && (await isRegistered(cs, pool.registry))) return pool.generate(cs.id, seed, this.genOpts);
    return generate(cs, seed, this.genOpts);
  }

  get size(): number {
    return this.map.size;
  }

  /** Stops the pool this cache created (a shared pool is its owner's to close). */
  async close(): Promise<void> {
    await this.ownPool?.close();
    this.ownPool = null;
  }
}

/**
 * The process's instances served with default options. The environment, the built-in agents
 * and the viewer's answer keys all read it, so an in-process run generates each (case, seed)
 * once, not twice.
 */
export const servedInstances = new InstanceCache();
