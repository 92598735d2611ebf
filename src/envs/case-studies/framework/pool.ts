// Instance generation off the event loop: a small pool of worker_threads, each running
// generate() for registered cases (the worker imports cases.ts and looks the case up by id).
// Simulating an instance takes 0.1–3 s of CPU; on the main thread that stalls every other
// session's HTTP traffic. Jobs wait in a bounded queue; when it is full, generate() rejects at
// once with GenerationQueueFullError (a clear "busy, retry" instead of unbounded memory and
// latency). File bytes come back as transferred ArrayBuffers (no copy on the main thread).
// Works from TypeScript sources under tsx (see startWorker) and from compiled dist (the worker
// file sits next to this one with the same extension).

import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { EnvironmentBusyError } from '../../../ors/environment.js';
import { CalibrationError, type GenerateOptions, type ServedInstance } from './generate.js';

export const DEFAULT_POOL_QUEUE = 64;

/** Default pool size: min(2, cores). Generation is CPU-bound; more workers only queue on the cores. */
export function defaultPoolSize(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(2, cores));
}

export class GenerationQueueFullError extends EnvironmentBusyError {
  override name = 'GenerationQueueFullError';
}

export interface PoolOptions {
  /** number of worker threads (default defaultPoolSize()) */
  size?: number;
  /** jobs allowed to wait for a free worker before generate() refuses (default 64) */
  maxQueue?: number;
  /**
   * URL of the module whose `caseStudies` array the workers serve (default: the registry,
   * cases.ts/js). Tests point it at a fixture registry.
   */
  registry?: string;
}

/** The default registry module, next to framework/ (same extension as this file). */
export function defaultRegistryUrl(): string {
  return new URL(`../cases${sourceExt()}`, import.meta.url).href;
}

function sourceExt(): string {
  return /\.ts$/.test(new URL(import.meta.url).pathname) ? '.ts' : '.js';
}

/** Request to a worker. */
export interface WorkerJob {
  id: number;
  caseId: string;
  seed: number;
  opts: GenerateOptions;
}

/** Reply from a worker. */
export type WorkerReply =
  | { id: number; ok: true; instance: ServedInstance }
  | { id: number; ok: false; error: { name: string; message: string; stack?: string; rejections?: { subSeed: number; reason: string }[] } };

interface Pending {
  job: WorkerJob;
  resolve: (inst: ServedInstance) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Pending | null;
  /** settles when the worker has loaded its registry (or failed to) */
  ready: Promise<void>;
}

/** The worker entry next to this module: generate-worker.ts under tsx, generate-worker.js in dist. */
function workerUrl(): URL {
  return new URL(`./generate-worker${sourceExt()}`, import.meta.url);
}

/**
 * Starts one worker. From compiled dist the worker file runs as is. From TypeScript sources
 * (tsx), Node 20 does not apply the parent's `--import tsx` to a worker's entry module, so a
 * tiny bootstrap registers tsx's loader in the worker first and then imports the .ts entry.
 */
function startWorker(registry: string): Worker {
  const opts = { name: 'case-generation', workerData: { registry } };
  if (sourceExt() === '.js') return new Worker(workerUrl(), { ...opts, execArgv: process.execArgv });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl().href)}); })`;
  return new Worker(boot, { ...opts, eval: true, execArgv: [] });
}

function rebuildError(e: Extract<WorkerReply, { ok: false }>['error']): Error {
  const err = e.name === 'CalibrationError' ? new CalibrationError(e.message, e.rejections ?? []) : e.name === 'RangeError' ? new RangeError(e.message) : new Error(e.message);
  if (e.stack) err.stack = `${e.stack}\n    (in a case-generation worker thread)`;
  return err;
}

export class GenerationPool {
  readonly size: number;
  readonly maxQueue: number;
  readonly registry: string;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(opts: PoolOptions = {}) {
    this.size = opts.size ?? defaultPoolSize();
    this.maxQueue = opts.maxQueue ?? DEFAULT_POOL_QUEUE;
    this.registry = opts.registry ?? defaultRegistryUrl();
    if (!Number.isSafeInteger(this.size) || this.size < 1) throw new RangeError(`pool size must be a positive integer, got ${this.size}`);
    if (!Number.isSafeInteger(this.maxQueue) || this.maxQueue < 0) throw new RangeError(`maxQueue must be a non-negative integer, got ${this.maxQueue}`);
  }

  /** Jobs waiting for a worker (not counting the ones running). */
  get queued(): number {
    return this.queue.length;
  }

  /** Jobs running on a worker now. */
  get running(): number {
    return this.slots.filter((s) => s.job).length;
  }

  /** The served instance of a registered case, generated on a worker thread. */
  generate(caseId: string, seed: number, opts: GenerateOptions = {}): Promise<ServedInstance> {
    if (this.closed) return Promise.reject(new Error('generation pool is closed'));
    const idle = this.idleSlot();
    if (!idle && this.queue.length >= this.maxQueue) {
      return Promise.reject(new GenerationQueueFullError(`case instance generation is at capacity (${this.running} running, ${this.queue.length} queued); retry shortly`));
    }
    return new Promise<ServedInstance>((resolve, reject) => {
      const p: Pending = { job: { id: this.nextId++, caseId, seed, opts }, resolve, reject };
      if (idle) this.dispatch(idle, p);
      else this.queue.push(p);
    });
  }

  /**
   * Starts every worker now, so each loads the registry (seconds from TypeScript sources)
   * before the first session opens instead of during it.
   */
  async warm(): Promise<void> {
    while (!this.closed && this.slots.length < this.size) this.spawn();
    await Promise.all(this.slots.map((s) => s.ready));
  }

  /** Stops every worker; queued and running jobs reject. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error('generation pool closed'));
    await Promise.all(
      this.slots.splice(0).map(async (s) => {
        s.job?.reject(new Error('generation pool closed'));
        await s.worker.terminate();
      }),
    );
  }

  private idleSlot(): Slot | null {
    const free = this.slots.find((s) => s.job === null);
    if (free) return free;
    if (this.slots.length < this.size) return this.spawn();
    return null;
  }

  private spawn(): Slot {
    const worker = startWorker(this.registry);
    let markReady!: () => void;
    const slot: Slot = { worker, job: null, ready: new Promise<void>((res) => (markReady = res)) };
    worker.unref(); // an idle pool never keeps the process alive
    worker.once('exit', () => markReady());
    worker.on('message', (reply: WorkerReply | { ready: boolean }) => {
      if ('ready' in reply) return markReady();
      const p = slot.job;
      if (!p || p.job.id !== reply.id) return;
      slot.job = null;
      worker.unref();
      if (reply.ok) p.resolve(reply.instance);
      else p.reject(rebuildError(reply.error));
      this.next(slot);
    });
    const fail = (err: Error) => {
      // A dead worker leaves the pool; its job fails and the next job spawns a fresh one.
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      const p = slot.job;
      slot.job = null;
      p?.reject(new Error(`case-generation worker failed: ${err.message}`));
      const q = this.queue.shift();
      if (q && !this.closed) this.dispatch(this.idleSlot()!, q);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.slots.includes(slot)) fail(new Error(`exited with code ${code}`));
    });
    this.slots.push(slot);
    return slot;
  }

  private dispatch(slot: Slot, p: Pending): void {
    slot.job = p;
    slot.worker.ref(); // a running job keeps the process alive until it answers
    slot.worker.postMessage(p.job);
  }

  private next(slot: Slot): void {
    const q = this.queue.shift();
    if (q) this.dispatch(slot, q);
  }
}
