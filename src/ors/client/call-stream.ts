// One ORS tool call over SSE: POST /{env}/call, collect `chunk`…`end`, and survive dropped
// connections. If no byte arrives for `silenceTimeoutMs` (the server pings every ≤10 s), or
// the stream closes without `end`/`error`, the same POST is re-sent with the `task_id` the
// server announced and the server replays the whole result. Reconnects are bounded, unlike
// the reference client which loops forever on streams that close early.

import type { JsonObject, RunToolOutput } from '../types.js';
import { backoffDelay, sleep, type BackoffOptions } from './backoff.js';
import { OrsConnectionError, OrsError, OrsHttpError, OrsProtocolError, OrsResumeError, OrsToolFault } from './errors.js';
import { parseRunToolOutput } from './run-tool-output.js';
import { readSse } from './sse.js';
import type { HttpTransport } from './transport.js';

export interface CallOptions {
  path: string;
  sid: string;
  name: string;
  input: JsonObject;
  silenceTimeoutMs: number;
  /** Re-POSTs allowed after silence, a cut stream or a connection failure. */
  maxReconnects: number;
  backoff: BackoffOptions;
  signal?: AbortSignal;
}

// Abort reasons are plain constants: building an Error or DOMException per call is measurable.
const SILENCE = { reason: 'silence' };
const NO_HEADERS = { reason: 'no response headers in time' };
const RELEASE = { reason: 'release' };

/** After `end`, how long the rest of the response may take before the connection is dropped. */
const DRAIN_MS = 1000;

export async function callTool(transport: HttpTransport, opts: CallOptions): Promise<RunToolOutput> {
  let taskId: string | null = null;
  let lastProblem = '';
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) {
      if (attempt > opts.maxReconnects) {
        throw new OrsConnectionError(
          `call ${opts.name}${taskId ? ` (task ${taskId})` : ''} gave up after ${attempt} attempts: ${lastProblem}`,
        );
      }
      // A silent connection is dead already; only a stream that closed early waits first.
      if (!lastProblem.startsWith('no data')) await sleep(backoffDelay(attempt, opts.backoff), opts.signal);
    }
    const outcome = await oneAttempt(transport, opts, taskId);
    if (outcome.kind === 'done') return outcome.result;
    taskId = outcome.taskId ?? taskId;
    lastProblem = outcome.problem;
    if (taskId === null) {
      // The server answered but never named the call, so it cannot be resumed, and sending it
      // again could run the tool twice.
      throw new OrsConnectionError(`call ${opts.name} failed before the server sent its task_id (${lastProblem}); not re-sent`);
    }
  }
}

type Outcome = { kind: 'done'; result: RunToolOutput } | { kind: 'retry'; taskId: string | null; problem: string };

async function oneAttempt(transport: HttpTransport, opts: CallOptions, resumeId: string | null): Promise<Outcome> {
  const controller = new AbortController();
  // The server answers a first call only once the session's setup has finished, which may
  // take long, and runs the tool even if the client has gone by then. So silence counts only
  // from the response headers on; before them a first call waits up to the transport's
  // request time limit and is not re-sent on timeout. A resume is safe to re-send, so its
  // silence clock starts at once.
  let timer: NodeJS.Timeout | undefined;
  const heardFromServer = () => {
    if (timer) timer.refresh();
    else timer = setTimeout(() => controller.abort(SILENCE), opts.silenceTimeoutMs);
  };
  let headerTimer: NodeJS.Timeout | undefined;
  if (resumeId !== null) heardFromServer();
  else if (transport.requestTimeoutMs > 0) {
    headerTimer = setTimeout(() => controller.abort(NO_HEADERS), transport.requestTimeoutMs);
  }
  const onUserAbort = () => controller.abort(opts.signal!.reason);
  opts.signal?.addEventListener('abort', onUserAbort, { once: true });
  if (opts.signal?.aborted) onUserAbort();
  let taskId: string | null = null;
  let result: RunToolOutput | null = null;
  let drainTimer: NodeJS.Timeout | undefined;
  let streamFinished = false;
  try {
    const body: JsonObject = resumeId === null ? { name: opts.name, input: opts.input } : { name: opts.name, input: opts.input, task_id: resumeId };
    const response = await transport.send('POST', opts.path, {
      body,
      headers: { 'x-session-id': opts.sid },
      eventStream: true,
      signal: controller.signal,
      timeoutMs: 0, // timed here instead, by the timers above
      // A first call that may have reached the server is not sent again; a resume may be.
      retryConnectionFailures: resumeId === null ? 'unsent' : 'all',
    });
    clearTimeout(headerTimer);
    heardFromServer();
    if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
      // Tolerated: a server that answers the call with the RunToolOutput as plain JSON.
      return { kind: 'done', result: parseRunToolOutput(await response.text()) };
    }
    if (!response.body) throw new OrsProtocolError('call answered without a body');
    let pieces: string[] = [];
    for await (const ev of readSse(response.body, heardFromServer)) {
      switch (ev.event) {
        case 'task_id':
          taskId = ev.data;
          pieces = []; // a resumed stream replays the result from its start
          break;
        case 'chunk':
          pieces.push(ev.data);
          break;
        case 'end':
          if (result) break;
          pieces.push(ev.data);
          result = parseRunToolOutput(pieces.join(''));
          // Read the response to its end, so the keep-alive connection is reused rather than
          // destroyed; a server that holds the stream open is cut off after DRAIN_MS.
          drainTimer = setTimeout(() => controller.abort(RELEASE), DRAIN_MS);
          break;
        case 'error':
          if (result) break;
          if (resumeId !== null && taskId === null) throw new OrsResumeError(resumeId, ev.data);
          throw new OrsToolFault(opts.name, taskId, ev.data);
        default:
          break; // unknown events are ignored, as SSE intends
      }
    }
    streamFinished = true;
    if (result) return { kind: 'done', result };
    return { kind: 'retry', taskId, problem: 'stream closed before an end or error event' };
  } catch (err) {
    if (result) return { kind: 'done', result };
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (controller.signal.reason === NO_HEADERS) {
      // Not re-sent: the server may be about to run the tool (see above).
      throw new OrsConnectionError(`call ${opts.name}: no answer within ${transport.requestTimeoutMs} ms`);
    }
    if (controller.signal.reason === SILENCE) {
      return { kind: 'retry', taskId, problem: `no data for ${opts.silenceTimeoutMs} ms` };
    }
    if (err instanceof OrsHttpError || err instanceof OrsToolFault || err instanceof OrsResumeError || err instanceof OrsProtocolError) {
      throw err;
    }
    // The transport already spent its retries on connection failures before any answer.
    if (err instanceof OrsConnectionError) throw err;
    if (err instanceof OrsError) throw err;
    return { kind: 'retry', taskId, problem: `connection failed: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    clearTimeout(timer);
    clearTimeout(headerTimer);
    clearTimeout(drainTimer);
    opts.signal?.removeEventListener('abort', onUserAbort);
    if (!streamFinished) controller.abort(RELEASE); // closes a stream left open
  }
}
