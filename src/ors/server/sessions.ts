// Live sessions: one Episode per X-Session-ID, built in the background after /create.
// Requests for a session wait for its setup; an idle reaper tears down sessions nobody
// has touched for `idleTimeoutMs`. A session with a call still running is never reaped
// (the reference would; tearing down under a running tool only hurts the client).

import { EnvironmentBusyError, InvalidTaskError, type Environment, type Episode, type Tool } from '../environment.js';
import type { JsonObject, Secrets } from '../types.js';
import { CallResultStore } from './call-results.js';
import { clip, HttpError, internalErrorDetail } from './errors.js';
import { SessionLock } from './session-lock.js';

export class Session {
  lastActivity = Date.now();
  /** calls currently running on this session */
  running = 0;
  episode?: Episode;
  tools?: Map<string, Tool<any, any>>;
  setupError?: unknown;
  deleted = false;
  readonly abort = new AbortController();
  readonly results: CallResultStore;
  /** orders tool calls: exclusive tools (submit_answer) run alone */
  readonly lock = new SessionLock();
  /** Set while the session waits for its first env-scoped request to name the environment (createUnbound). */
  unbound?: { taskIn: (env: Environment) => Promise<JsonObject>; secrets: Secrets; binding?: Promise<void> };
  /** settles (never rejects) when setup has finished one way or the other */
  ready!: Promise<void>;
  settled = false;
  /** resolves when the session is deleted, waking requests still waiting for setup */
  readonly whenDeleted: Promise<void>;
  private markDeleted!: () => void;

  constructor(
    readonly id: string,
    /** fixed once setup starts; an unbound session holds the default environment until then */
    public env: Environment,
    resultTtlMs: number,
  ) {
    this.results = new CallResultStore(resultTtlMs);
    this.whenDeleted = new Promise((resolve) => (this.markDeleted = resolve));
  }

  delete(): void {
    this.deleted = true;
    this.markDeleted();
    this.abort.abort(new Error('session deleted'));
  }

  touch(): void {
    this.lastActivity = Date.now();
  }
}

/** Seconds a client told "at capacity" (429) should wait before retrying. */
export const RETRY_AFTER_S = 5;

export interface RegistryOptions {
  idleTimeoutMs: number;
  reapIntervalMs: number;
  resultTtlMs: number;
  maxSessions: number;
  onError(message: string, err: unknown): void;
}

export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();
  /** teardowns still running (drained on close) */
  private readonly teardowns = new Set<Promise<void>>();
  private reaper?: NodeJS.Timeout;

  constructor(private readonly opts: RegistryOptions) {}

  get size(): number {
    return this.sessions.size;
  }

  get(sid: string): Session | undefined {
    return this.sessions.get(sid);
  }

  /** Registers the session and starts its setup in the background. */
  create(sid: string, env: Environment, task: JsonObject, secrets: Secrets): Session {
    const session = this.register(sid, env);
    session.ready = this.setup(session, task, secrets);
    return session;
  }

  /**
   * Registers a session whose environment is named later, by its first prompt/task_tools/call
   * path (`/{env}/...`); `taskIn` finds its task there. Until then it holds a slot, answers
   * /ping and /delete, and has nothing to set up or tear down.
   */
  createUnbound(sid: string, placeholder: Environment, secrets: Secrets, taskIn: (env: Environment) => Promise<JsonObject>): Session {
    const session = this.register(sid, placeholder);
    session.unbound = { taskIn, secrets };
    session.ready = Promise.resolve();
    session.settled = true;
    return session;
  }

  private register(sid: string, env: Environment): Session {
    if (this.sessions.has(sid)) throw new HttpError(400, 'Session already exists');
    if (this.sessions.size >= this.opts.maxSessions) {
      throw new HttpError(429, `Server at maximum capacity (${this.opts.maxSessions} live sessions); retry later`, { 'retry-after': String(RETRY_AFTER_S) });
    }
    const session = new Session(sid, env, this.opts.resultTtlMs);
    this.sessions.set(sid, session);
    return session;
  }

  /** Binds an unbound session to `env` and starts its setup; concurrent requests share one binding. */
  private bind(session: Session, env: Environment): Promise<void> {
    const pending = session.unbound!;
    pending.binding ??= (async () => {
      const task = await pending.taskIn(env); // 400 if the split/index is not in this environment
      if (session.deleted) return; // the caller answers 410
      session.env = env;
      session.unbound = undefined;
      session.settled = false;
      session.ready = this.setup(session, task, pending.secrets);
    })().finally(() => {
      pending.binding = undefined; // a failed binding may be retried, e.g. under another environment
    });
    return pending.binding;
  }

  private async setup(session: Session, task: JsonObject, secrets: Secrets): Promise<void> {
    try {
      const episode = await session.env.open({ task, secrets, sessionId: session.id, signal: session.abort.signal });
      const tools = new Map<string, Tool<any, any>>();
      for (const t of [...session.env.tools, ...(episode.tools ?? [])]) {
        if (tools.has(t.name)) throw new Error(`duplicate tool name ${t.name} in ${session.env.name}`);
        tools.set(t.name, t);
      }
      session.episode = episode;
      session.tools = tools;
    } catch (err) {
      session.setupError = err;
      // A spec the environment refuses is the client's mistake, not a fault to log.
      if (!session.deleted && !(err instanceof InvalidTaskError)) this.opts.onError(`setup failed for session ${session.id}`, err);
    } finally {
      session.settled = true;
    }
  }

  /**
   * The ready episode of a session for prompt/task_tools/call: 404 unknown, 410 deleted
   * while setting up, 500 with the setup error. `pathEnv` (the request's `/{env}`) binds an
   * unbound session; a bound session ignores it, as the reference does.
   */
  async episodeOf(sid: string, pathEnv?: Environment): Promise<{ session: Session; episode: Episode }> {
    const session = this.sessions.get(sid);
    if (!session) throw new HttpError(404, 'Active environment not found');
    session.touch();
    if (session.unbound) await this.bind(session, pathEnv ?? session.env);
    if (!session.settled) await Promise.race([session.ready, session.whenDeleted]);
    if (session.deleted) throw new HttpError(410, 'Session deleted');
    if (session.setupError instanceof InvalidTaskError) throw new HttpError(400, `Invalid task_spec: ${clip(session.setupError.message)}`);
    if (session.setupError instanceof EnvironmentBusyError) {
      throw new HttpError(503, `Environment busy: ${clip(session.setupError.message)}`, { 'retry-after': String(RETRY_AFTER_S) });
    }
    if (session.setupError !== undefined) throw new HttpError(500, internalErrorDetail(session.setupError));
    return { session, episode: session.episode! };
  }

  /** Idempotent: unknown sessions are fine. Waits for teardown when setup has finished. */
  async delete(sid: string): Promise<void> {
    const session = this.sessions.get(sid);
    if (!session) return;
    this.sessions.delete(sid);
    session.delete();
    const teardown = session.ready.then(() => this.teardown(session));
    this.teardowns.add(teardown);
    void teardown.finally(() => this.teardowns.delete(teardown));
    // Do not hold the client while a slow setup finishes; its teardown still runs (and is drained on close).
    if (session.settled) await teardown;
  }

  private async teardown(session: Session): Promise<void> {
    try {
      await session.episode?.close?.();
    } catch (err) {
      this.opts.onError(`teardown failed for session ${session.id}`, err);
    }
  }

  startReaper(): void {
    if (this.reaper) return;
    this.reaper = setInterval(() => this.reap(), this.opts.reapIntervalMs);
    this.reaper.unref();
  }

  /** Deletes idle sessions and drops expired call results. */
  reap(now = Date.now()): void {
    for (const session of this.sessions.values()) {
      session.results.sweep(now);
      if (session.running === 0 && now - session.lastActivity > this.opts.idleTimeoutMs) {
        void this.delete(session.id);
      }
    }
  }

  /** Teardowns started but not finished (shutdown reports the ones it stops waiting for). */
  get pendingTeardowns(): number {
    return this.teardowns.size;
  }

  /** Tears every session down (server shutdown). */
  async closeAll(): Promise<void> {
    if (this.reaper) clearInterval(this.reaper);
    this.reaper = undefined;
    await Promise.all([...this.sessions.keys()].map((sid) => this.delete(sid)));
    await Promise.allSettled([...this.teardowns]);
  }
}
