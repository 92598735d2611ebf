// Error classes of the ORS client. Each failure mode has its own class so callers can tell
// an HTTP refusal from an environment fault from a dead session without parsing messages.

/** Base class of every error the ORS client throws. */
export class OrsError extends Error {
  override name = 'OrsError';
}

/** The server answered with a non-2xx status (after any retries). */
export class OrsHttpError extends OrsError {
  override name = 'OrsHttpError';
  readonly status: number;
  /** The FastAPI-style `detail` of the error body, or the raw body text when it is not JSON. */
  readonly detail: unknown;
  readonly method: string;
  readonly path: string;
  constructor(method: string, path: string, status: number, detail: unknown) {
    super(`${method} ${path} failed with HTTP ${status}: ${describeDetail(detail)}`);
    this.method = method;
    this.path = path;
    this.status = status;
    this.detail = detail;
  }
}

/**
 * The tool raised inside the environment: the `/call` stream ended with an SSE `error` event.
 * This is an environment fault, unlike `{ok:false}` (an agent mistake), which `call` returns.
 */
export class OrsToolFault extends OrsError {
  override name = 'OrsToolFault';
  readonly tool: string;
  readonly taskId: string | null;
  constructor(tool: string, taskId: string | null, message: string) {
    super(`tool ${tool} failed in the environment: ${message}`);
    this.tool = tool;
    this.taskId = taskId;
  }
}

/** A resumed call could not be replayed: the server no longer knows its task_id. */
export class OrsResumeError extends OrsError {
  override name = 'OrsResumeError';
  readonly taskId: string;
  constructor(taskId: string, message: string) {
    super(`cannot resume call ${taskId}: ${message}`);
    this.taskId = taskId;
  }
}

/** The server sent something that does not follow the protocol. */
export class OrsProtocolError extends OrsError {
  override name = 'OrsProtocolError';
}

/** The connection kept failing (network errors, silence, streams cut short) past the retry bound. */
export class OrsConnectionError extends OrsError {
  override name = 'OrsConnectionError';
}

/** The session's ping failed, so the server may have dropped it; no further calls are sent. */
export class OrsSessionDeadError extends OrsError {
  override name = 'OrsSessionDeadError';
  readonly sid: string;
  constructor(sid: string, cause: unknown) {
    super(`session ${sid} is dead: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.sid = sid;
  }
}

function describeDetail(detail: unknown): string {
  if (typeof detail === 'string') return detail;
  try {
    return JSON.stringify(detail);
  } catch {
    return String(detail);
  }
}
