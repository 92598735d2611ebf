// One ORS episode: prompt, task tools and tool calls under an X-Session-ID, kept alive by a
// ping loop. A failed ping marks the session dead, after which nothing more is sent.

import type { Block, JsonObject, RunToolOutput, ToolSpec } from '../types.js';
import { callTool } from './call-stream.js';
import { OrsError, OrsHttpError, OrsProtocolError, OrsSessionDeadError } from './errors.js';
import { parseBlock } from './run-tool-output.js';
import { envPath, type ClientSettings } from './settings.js';

export class OrsSession {
  readonly sid: string;
  readonly envName: string;
  private readonly settings: ClientSettings;
  private dead: OrsSessionDeadError | null = null;
  private closing: Promise<void> | null = null;
  private pingTimer: NodeJS.Timeout | null = null;

  /** @internal Sessions are made by `OrsEnvironmentClient.session`. */
  constructor(settings: ClientSettings, envName: string, sid: string) {
    this.settings = settings;
    this.envName = envName;
    this.sid = sid;
  }

  /** @internal Starts the ping loop: one ping at once, then one every pingIntervalMs. */
  startPinging(): void {
    if (this.settings.pingIntervalMs <= 0) return;
    const loop = async () => {
      this.pingTimer = null;
      try {
        await this.ping();
      } catch {
        return; // ping() marked the session dead
      }
      if (this.closing || this.dead) return;
      this.pingTimer = setTimeout(loop, this.settings.pingIntervalMs);
      this.pingTimer.unref(); // a forgotten session must not keep the process alive
    };
    void loop();
  }

  /** True once a ping failed or the server said the session is gone. */
  get isDead(): boolean {
    return this.dead !== null;
  }

  get isClosed(): boolean {
    return this.closing !== null;
  }

  async prompt(): Promise<Block[]> {
    const blocks = await this.request<unknown>('GET', envPath(this.envName, 'prompt'));
    if (!Array.isArray(blocks)) throw new OrsProtocolError('prompt is not an array of blocks');
    return blocks.map(parseBlock);
  }

  /** Shared plus task-specific tools (`/task_tools`). */
  async tools(): Promise<ToolSpec[]> {
    let answer: { tools?: unknown };
    try {
      answer = await this.request('GET', envPath(this.envName, 'task_tools'));
    } catch (err) {
      // Servers older than task-specific tools have no such route: fall back to /tools.
      if (!(err instanceof OrsHttpError && err.status === 404 && err.detail === 'Not Found')) throw err;
      answer = await this.settings.transport.json('GET', envPath(this.envName, 'tools'));
    }
    if (!Array.isArray(answer.tools)) throw new OrsProtocolError('task_tools answer has no tools array');
    return answer.tools as ToolSpec[];
  }

  /**
   * Calls a tool. `{ok:false}` (the agent's mistake) is returned; an environment fault throws
   * OrsToolFault; a dead or closed session throws before anything is sent.
   */
  async call(name: string, input: JsonObject = {}, opts: { signal?: AbortSignal } = {}): Promise<RunToolOutput> {
    this.assertUsable();
    try {
      return await callTool(this.settings.transport, {
        path: envPath(this.envName, 'call'),
        sid: this.sid,
        name,
        input,
        silenceTimeoutMs: this.settings.silenceTimeoutMs,
        maxReconnects: this.settings.maxReconnects,
        backoff: this.settings.backoff,
        signal: opts.signal,
      });
    } catch (err) {
      this.noteGone(err);
      throw err;
    }
  }

  /** Refreshes the server's idle timer; a failure marks the session dead and throws. */
  async ping(): Promise<void> {
    if (this.dead) throw this.dead;
    try {
      await this.settings.transport.json('POST', '/ping', {
        headers: { 'x-session-id': this.sid },
        timeoutMs: Math.max(this.settings.silenceTimeoutMs, 1000),
      });
    } catch (err) {
      if (this.closing) return; // a ping racing close() is not a death
      this.dead = new OrsSessionDeadError(this.sid, err);
      throw this.dead;
    }
  }

  /** Ends the episode: /delete (teardown) then /delete_session. Safe to call more than once. */
  close(): Promise<void> {
    if (!this.closing) {
      if (this.pingTimer) clearTimeout(this.pingTimer);
      this.pingTimer = null;
      this.closing = this.deleteOnServer();
    }
    return this.closing;
  }

  private async deleteOnServer(): Promise<void> {
    const headers = { 'x-session-id': this.sid };
    let first: unknown = null;
    try {
      await this.settings.transport.json('POST', '/delete', { headers });
    } catch (err) {
      first = err;
    }
    try {
      await this.settings.transport.json('POST', '/delete_session', { headers });
    } catch (err) {
      first ??= err;
    }
    if (first) throw first;
  }

  private async request<T>(method: string, path: string): Promise<T> {
    this.assertUsable();
    try {
      return await this.settings.transport.json<T>(method, path, { headers: { 'x-session-id': this.sid } });
    } catch (err) {
      this.noteGone(err);
      throw err;
    }
  }

  private assertUsable(): void {
    if (this.dead) throw this.dead;
    if (this.closing) throw new OrsError(`session ${this.sid} is closed`);
  }

  /** 404 (unknown session) and 410 (deleted) mean the server no longer has this episode. */
  private noteGone(err: unknown): void {
    if (err instanceof OrsHttpError && (err.status === 410 || (err.status === 404 && err.detail !== 'Not Found'))) {
      this.dead ??= new OrsSessionDeadError(this.sid, err);
      if (this.pingTimer) clearTimeout(this.pingTimer);
      this.pingTimer = null;
    }
  }
}
