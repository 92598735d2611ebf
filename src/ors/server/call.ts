// POST /{env}/call: runs a tool and streams its result as SSE (see ors.md §3).
//   task_id → `: ping` comments while the tool runs → chunk… → end   (or → error)
// The tool runs to completion even if the client goes away; its outcome is kept in the
// session's CallResultStore so a re-POST with the task_id replays it.

import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ToolError, type Episode } from '../environment.js';
import { normaliseBlock, type JsonObject, type ToolOutput } from '../types.js';
import { chunkPayload } from './chunking.js';
import type { CallOutcome } from './call-results.js';
import type { RunningCalls } from './running-calls.js';
import type { Session } from './sessions.js';
import { pingComment, sseEvent, SseStream } from './sse.js';
import { checkToolInput } from './tool-input.js';
import { clip } from './errors.js';
import type { ServerMetrics } from './metrics.js';

export interface CallContext {
  keepAliveMs: number;
  /** in-flight tool runs, drained (or given up on) at shutdown */
  running: RunningCalls;
  onToolFault(message: string, err: unknown): void;
  /** counts calls and their latency for /metrics */
  metrics?: ServerMetrics;
}

export const newTaskId = (): string => randomUUID().replace(/-/g, '');

/** A first call: mint a task_id, run the tool, stream the outcome. */
export function startCall(
  ctx: CallContext,
  res: ServerResponse,
  session: Session,
  episode: Episode,
  name: string,
  input: JsonObject,
): void {
  const taskId = newTaskId();
  const first = sseEvent('task_id', taskId);
  const began = ctx.metrics ? performance.now() : 0;
  const observe = (o: CallOutcome) => ctx.metrics?.observeCall(session.env.name, name, o.kind ?? 'ok', (performance.now() - began) / 1000);
  session.results.start(taskId);
  const result = runLocked(ctx, session, episode, name, input);
  if (!isPromise(result)) {
    // A synchronous tool: the whole answer leaves in one write.
    session.results.finish(taskId, result);
    observe(result);
    session.touch();
    new SseStream(res).send(first + result.events);
    return;
  }
  session.running++;
  const run = ctx.running.track(result).then((outcome) => {
    session.running--;
    session.touch();
    session.results.finish(taskId, outcome);
    observe(outcome);
    return outcome;
  });
  streamOutcome(ctx, res, first, run);
}

/** A re-POST with a task_id: replay the stored outcome or wait for the running call. */
export function resumeCall(ctx: CallContext, res: ServerResponse, session: Session, taskId: string): void {
  const outcome = session.results.wait(taskId);
  if (!outcome) {
    new SseStream(res).send(sseEvent('error', 'unknown task_id'));
    return;
  }
  streamOutcome(ctx, res, sseEvent('task_id', taskId), outcome);
}

function streamOutcome(ctx: CallContext, res: ServerResponse, first: string, outcome: Promise<CallOutcome>): void {
  const stream = new SseStream(res);
  stream.open(first);
  const timer = setInterval(() => {
    stream.write(pingComment());
  }, ctx.keepAliveMs);
  const stop = () => clearInterval(timer);
  res.once('close', stop);
  void outcome.then((o) => {
    stop();
    stream.end(o.events);
  });
}

/**
 * Runs the tool under the session's lock: an `exclusive` tool (submit_answer) runs alone, after
 * the calls already running and before later ones, so a burst of concurrent submits is graded
 * once; other calls of a session run concurrently. Never rejects.
 */
function runLocked(ctx: CallContext, session: Session, episode: Episode, name: string, input: JsonObject): CallOutcome | Promise<CallOutcome> {
  const exclusive = session.tools?.get(name)?.exclusive === true;
  const waiting = session.lock.acquire(exclusive);
  const run = () => {
    let result: CallOutcome | Promise<CallOutcome>;
    try {
      result = runTool(ctx, session, episode, name, input);
    } catch (err) {
      session.lock.release(exclusive);
      throw err;
    }
    if (!isPromise(result)) {
      session.lock.release(exclusive);
      return result;
    }
    return result.finally(() => session.lock.release(exclusive));
  };
  return waiting === null ? run() : waiting.then(run);
}

/**
 * Runs the tool; never rejects. Synchronous tools (and calls rejected before running)
 * give their outcome directly, so the fast path allocates no promise chain or timers.
 */
function runTool(ctx: CallContext, session: Session, episode: Episode, name: string, input: JsonObject): CallOutcome | Promise<CallOutcome> {
  const tool = session.tools!.get(name);
  if (!tool) return failure(`'${clip(name, 100)}' is not a valid tool`);
  const invalid = checkToolInput(tool, input);
  if (invalid !== null) return failure(invalid);
  let output: ToolOutput | Promise<ToolOutput>;
  try {
    output = tool.run(tool.input === null ? {} : input, episode.state, {
      signal: session.abort.signal,
      sessionId: session.id,
    });
  } catch (err) {
    return thrown(ctx, session, name, err);
  }
  if (isPromise(output)) {
    return output.then(
      (o) => success(ctx, name, o),
      (err: unknown) => thrown(ctx, session, name, err),
    );
  }
  return success(ctx, name, output);
}

const isPromise = <T>(v: T | Promise<T>): v is Promise<T> => typeof (v as { then?: unknown } | null)?.then === 'function';

function thrown(ctx: CallContext, session: Session, name: string, err: unknown): CallOutcome {
  if (err instanceof ToolError) return failure(err.message);
  // A tool that stops because its session was deleted (or the server shut down) did as asked.
  if (!session.abort.signal.aborted) ctx.onToolFault(`tool ${name} failed in session ${session.id}`, err);
  return { events: errorEvent(err instanceof Error ? err.message : String(err)), kind: 'error' };
}

function success(ctx: CallContext, name: string, output: ToolOutput): CallOutcome {
  let wire: ToolOutput;
  try {
    wire = completeOutput(output);
  } catch (err) {
    ctx.onToolFault(`tool ${name} returned an invalid ToolOutput`, err);
    return { events: errorEvent(`tool '${name}' returned an invalid ToolOutput: ${(err as Error).message}`), kind: 'error' };
  }
  return encode({ ok: true, output: wire });
}

/** Every key present, in the reference order, whatever the tool returned. */
function completeOutput(out: ToolOutput): ToolOutput {
  if (out === null || typeof out !== 'object' || !Array.isArray(out.blocks)) throw new Error('blocks must be an array');
  return {
    blocks: out.blocks.map(normaliseBlock),
    metadata: out.metadata ?? null,
    reward: out.reward ?? null,
    finished: out.finished ?? false,
  };
}

const failure = (error: string): CallOutcome => encode({ ok: false, error });

/** An outcome that is a single `error` event (e.g. a call abandoned at shutdown). */
export const errorOutcome = (message: string): CallOutcome => ({ events: errorEvent(message), kind: 'error' });

// Line separators a line-splitting client (Python's str.splitlines) would break on.
const LINE_SEPARATORS = /[\u0085\u2028\u2029]/g;

function encode(value: object): CallOutcome {
  let payload = JSON.stringify(value);
  if (LINE_SEPARATORS.test(payload)) {
    LINE_SEPARATORS.lastIndex = 0;
    payload = payload.replace(LINE_SEPARATORS, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  }
  const pieces = chunkPayload(payload);
  let events = '';
  for (let i = 0; i < pieces.length - 1; i++) events += sseEvent('chunk', pieces[i]);
  events += sseEvent('end', pieces[pieces.length - 1]);
  return { events, kind: (value as { ok?: boolean }).ok === false ? 'tool_error' : 'ok' };
}

/** An `error` event; multi-line text becomes several data lines (joined by \n on the client). */
function errorEvent(message: string): string {
  const lines = message.split(/\r\n|\r|\n/);
  return `event: error\r\n${lines.map((l) => `data: ${l}\r\n`).join('')}\r\n`;
}
