// Worker-thread entry of the generation pool (pool.ts): generates served instances of the
// registered cases and sends them back with the file bytes transferred, not copied.

import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { CaseStudy } from '../types.js';
import { generate, type ServedInstance } from './generate.js';
import type { WorkerJob, WorkerReply } from './pool.js';

const GENERATION_NICE = 10;

if (!parentPort) throw new Error('generate-worker.ts runs only as a worker thread');
const port = parentPort;
// Generation is background work: on Linux setpriority(0) applies to this thread only, so the
// server's event loop keeps the scheduler's preference when the cores are busy.
try {
  os.setPriority(GENERATION_NICE);
} catch {
  /* not permitted here: run at normal priority */
}
// The registry module (cases.ts by default) loads once per worker, when it starts.
const registryUrl = (workerData as { registry: string }).registry;
let registry: Promise<readonly CaseStudy[]> | undefined;
const loadRegistry = () => (registry ??= import(registryUrl).then((m: { caseStudies: CaseStudy[] }) => m.caseStudies));
const findCase = async (id: string) => (await loadRegistry()).find((c) => c.id === id);
// Load at start and say so (a warm pool is ready before the first job); a failure surfaces
// with the first job.
loadRegistry().then(
  () => port.postMessage({ ready: true }),
  () => port.postMessage({ ready: false }),
);

/** Each file's bytes in a buffer of its own (copied here when it is a view), listed for transfer. */
function transferable(inst: ServedInstance): ArrayBuffer[] {
  const seen = new Set<ArrayBufferLike>();
  const out: ArrayBuffer[] = [];
  inst.files = inst.files.map((f) => {
    let data = f.data;
    const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;
    if (!whole || seen.has(data.buffer)) data = new Uint8Array(data); // a view or a shared buffer: copy on this thread
    seen.add(data.buffer);
    out.push(data.buffer as ArrayBuffer);
    return { path: f.path, data };
  });
  return out;
}

port.on('message', async (job: WorkerJob) => {
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const cs = await findCase(job.caseId);
    if (!cs) throw new Error(`unknown case ${job.caseId}`);
    const instance = await generate(cs, job.seed, job.opts);
    transfer = transferable(instance);
    reply = { id: job.id, ok: true, instance };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const rejections = (e as { rejections?: { subSeed: number; reason: string }[] }).rejections;
    reply = { id: job.id, ok: false, error: { name: e.name, message: e.message, stack: e.stack, rejections } };
  }
  try {
    port.postMessage(reply, transfer);
  } catch (err) {
    // e.g. a meta value that cannot be cloned: report it instead of leaving the job hanging
    port.postMessage({ id: job.id, ok: false, error: { name: 'Error', message: `cannot send the instance back: ${(err as Error).message}` } } satisfies WorkerReply);
  }
});
