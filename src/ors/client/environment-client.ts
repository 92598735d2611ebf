// Discovery and session creation for one environment on an ORS server. Discovery calls are
// plain requests (no throwaway session ids, which servers ignore on these paths anyway).

import type { JsonObject, Split, ToolSpec } from '../types.js';
import { splitOf } from '../types.js';
import { createSessionId } from './create-session.js';
import { OrsHttpError, OrsProtocolError } from './errors.js';
import { OrsSession } from './session.js';
import { envPath, type ClientSettings } from './settings.js';

export interface SessionOptions {
  /** A task spec as discovery returned it. */
  task?: JsonObject;
  /** Or a task by position: split and index together. */
  split?: string;
  index?: number;
  secrets?: Record<string, string>;
}

/** Page size `tasks()` uses when the server refuses to list a split whole. */
const TASK_PAGE = 1000;

export class OrsEnvironmentClient {
  private resolvedName: string | null;
  private resolving: Promise<string> | null = null;
  private readonly settings: ClientSettings;

  /** @internal Made by `OrsClient.environment`. */
  constructor(settings: ClientSettings, name: string | undefined) {
    this.settings = settings;
    this.resolvedName = name === undefined ? null : name.toLowerCase();
  }

  /** The environment's name; for the default environment, known after the first request. */
  get name(): string {
    return this.resolvedName ?? '';
  }

  async splits(): Promise<Split[]> {
    const answer = await this.get<unknown>('splits');
    if (!Array.isArray(answer)) throw new OrsProtocolError('splits answer is not an array');
    return answer.map((s) => splitOf(s as string | Split));
  }

  /** Shared tools (`/tools`). A session's `tools()` adds its task-specific ones. */
  async tools(): Promise<ToolSpec[]> {
    const answer = await this.get<{ tools?: unknown }>('tools');
    if (!Array.isArray(answer.tools)) throw new OrsProtocolError('tools answer has no tools array');
    return answer.tools as ToolSpec[];
  }

  async numTasks(split: string): Promise<number> {
    const answer = await this.post<{ num_tasks?: unknown }>('num_tasks', { split });
    if (typeof answer.num_tasks !== 'number') throw new OrsProtocolError('num_tasks answer has no number');
    return answer.num_tasks;
  }

  /** Task at an index; negative indices count from the end, as on the server. */
  async task(split: string, index: number): Promise<JsonObject> {
    const answer = await this.post<{ task?: unknown }>('task', { split, index });
    if (!isObject(answer.task)) throw new OrsProtocolError('task answer has no task object');
    return answer.task;
  }

  /** Tasks [start, stop) with slice semantics; both ends optional. */
  async taskRange(split: string, start?: number, stop?: number): Promise<JsonObject[]> {
    const body: JsonObject = { split };
    if (start !== undefined) body.start = start;
    if (stop !== undefined) body.stop = stop;
    const answer = await this.post<{ tasks?: unknown }>('task_range', body);
    if (!Array.isArray(answer.tasks)) throw new OrsProtocolError('task_range answer has no tasks array');
    return answer.tasks as JsonObject[];
  }

  /**
   * Every task of a split. When the server will not list the split whole (too large), the
   * tasks are fetched page by page through the index API instead.
   */
  async tasks(split: string): Promise<JsonObject[]> {
    try {
      const answer = await this.post<{ tasks?: unknown }>('tasks', { split });
      if (!Array.isArray(answer.tasks)) throw new OrsProtocolError('tasks answer has no tasks array');
      return answer.tasks as JsonObject[];
    } catch (err) {
      if (!(err instanceof OrsHttpError && err.status === 400 && err.detail !== 'Invalid split')) throw err;
    }
    const total = await this.numTasks(split);
    const all: JsonObject[] = [];
    for (let start = 0; start < total; start += TASK_PAGE) {
      all.push(...(await this.taskRange(split, start, Math.min(total, start + TASK_PAGE))));
    }
    return all;
  }

  /** Opens an episode: /create_session, /create, then the ping loop. Close it when done. */
  async session(opts: SessionOptions): Promise<OrsSession> {
    const byIndex = opts.split !== undefined || opts.index !== undefined;
    if (opts.task !== undefined && byIndex) throw new TypeError('session(): give either task or split+index, not both');
    if (opts.task === undefined && !(opts.split !== undefined && opts.index !== undefined)) {
      throw new TypeError('session(): give a task, or a split together with an index');
    }
    if (opts.index !== undefined && !Number.isInteger(opts.index)) {
      throw new TypeError(`session(): index must be an integer, got ${opts.index}`);
    }
    const name = await this.resolveName();
    const secretHeaders: Record<string, string> = {};
    if (opts.secrets && this.settings.sendSecretsHeader) secretHeaders['x-secrets'] = encodeSecretsHeader(opts.secrets);
    const transport = this.settings.transport;
    const sid = await createSessionId(transport, secretHeaders);
    // env_name always goes with split/index: the reference client omits it, which silently
    // picks the default environment on a server hosting several.
    const body: JsonObject =
      opts.task !== undefined
        ? { env_name: name, task_spec: opts.task }
        : { env_name: name, split: opts.split!, index: opts.index! };
    if (opts.secrets) body.secrets = { ...opts.secrets };
    try {
      await transport.json('POST', '/create', { body, headers: { 'x-session-id': sid, ...secretHeaders } });
    } catch (err) {
      // The sid was minted for us just now, so "already exists" can only mean an earlier
      // attempt of this same request got through before its connection failed.
      if (err instanceof OrsHttpError && err.status === 400 && /already exists/i.test(String(err.detail))) {
        return this.started(name, sid);
      }
      await transport.json('POST', '/delete_session', { headers: { 'x-session-id': sid }, retries: 0 }).catch(() => {});
      throw err;
    }
    return this.started(name, sid);
  }

  private started(name: string, sid: string): OrsSession {
    const session = new OrsSession(this.settings, name, sid);
    session.startPinging();
    return session;
  }

  private async resolveName(): Promise<string> {
    if (this.resolvedName !== null) return this.resolvedName;
    this.resolving ??= this.settings.transport.json<unknown>('GET', '/list_environments').then((names) => {
      if (!Array.isArray(names) || typeof names[0] !== 'string') {
        throw new OrsProtocolError('server lists no environments, so there is no default one');
      }
      this.resolvedName = names[0];
      return names[0];
    });
    try {
      return await this.resolving;
    } catch (err) {
      this.resolving = null;
      throw err;
    }
  }

  private async get<T>(endpoint: string): Promise<T> {
    return this.settings.transport.json<T>('GET', envPath(await this.resolveName(), endpoint));
  }

  private async post<T>(endpoint: string, body: JsonObject): Promise<T> {
    return this.settings.transport.json<T>('POST', envPath(await this.resolveName(), endpoint), { body });
  }
}

/** The reference client's X-Secrets encoding: base64 of JSON `{"K": {"value": "v"}}`. */
export function encodeSecretsHeader(secrets: Record<string, string>): string {
  const wrapped: Record<string, { value: string }> = {};
  for (const [k, v] of Object.entries(secrets)) wrapped[k] = { value: v };
  return Buffer.from(JSON.stringify(wrapped), 'utf8').toString('base64');
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
