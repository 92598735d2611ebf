// Entry point of the ORS client: server-level calls and access to environments.

import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { OrsEnvironmentClient } from './environment-client.js';
import { OrsProtocolError } from './errors.js';
import type { ClientSettings } from './settings.js';
import { HttpTransport } from './transport.js';

export interface OrsClientOptions {
  baseUrl: string;
  /** Sent as X-API-Key. Defaults to the ORS_API_KEY environment variable. */
  apiKey?: string;
  /** Retries of a request answered 429/5xx or failing to connect. Default 3. */
  retries?: number;
  /** A call stream silent this long is treated as dead and resumed by task_id. Default 30 s. */
  silenceTimeoutMs?: number;
  /** Session ping period; 0 turns the ping loop off. Default 10 s. */
  pingIntervalMs?: number;
  /** Re-POSTs of one tool call after silence or a cut stream. Default 5. */
  maxReconnects?: number;
  /** Retry delays: base·2^(n−1) capped at max. Default 500 ms and 10 s. */
  backoff?: Partial<BackoffOptions>;
  /** Time limit of one plain request attempt (prompt waits for setup). Default 300 s. */
  requestTimeoutMs?: number;
  /** Also send secrets in the reference client's X-Secrets header. Default false (body only). */
  sendSecretsHeader?: boolean;
  fetch?: typeof fetch;
  userAgent?: string;
}

export class OrsClient {
  private readonly settings: ClientSettings;

  constructor(opts: OrsClientOptions) {
    const backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    const transport = new HttpTransport({
      baseUrl: opts.baseUrl,
      apiKey: opts.apiKey ?? process.env.ORS_API_KEY,
      retries: opts.retries,
      backoff,
      requestTimeoutMs: opts.requestTimeoutMs,
      fetch: opts.fetch,
      userAgent: opts.userAgent,
    });
    this.settings = {
      transport,
      silenceTimeoutMs: positive('silenceTimeoutMs', opts.silenceTimeoutMs ?? 30_000),
      pingIntervalMs: nonNegative('pingIntervalMs', opts.pingIntervalMs ?? 10_000),
      maxReconnects: nonNegative('maxReconnects', opts.maxReconnects ?? 5),
      backoff,
      sendSecretsHeader: opts.sendSecretsHeader ?? false,
    };
  }

  get baseUrl(): string {
    return this.settings.transport.baseUrl;
  }

  /** True when GET /health answers `{"status":"ok"}`; never throws, never retries. */
  async health(): Promise<boolean> {
    try {
      const answer = await this.settings.transport.json<{ status?: unknown }>('GET', '/health', { retries: 0, timeoutMs: 5000 });
      return answer?.status === 'ok';
    } catch {
      return false;
    }
  }

  /** Environment names (lowercase); the first is the server's default. */
  async listEnvironments(): Promise<string[]> {
    const names = await this.settings.transport.json<unknown>('GET', '/list_environments');
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
      throw new OrsProtocolError('list_environments answer is not an array of names');
    }
    return names;
  }

  /** An environment by name (case-insensitive), or the server's default one. */
  environment(name?: string): OrsEnvironmentClient {
    return new OrsEnvironmentClient(this.settings, name);
  }
}

function positive(what: string, n: number): number {
  if (!(Number.isFinite(n) && n > 0)) throw new RangeError(`${what} must be a positive number, got ${n}`);
  return n;
}

function nonNegative(what: string, n: number): number {
  if (!(Number.isFinite(n) && n >= 0)) throw new RangeError(`${what} must be a non-negative number, got ${n}`);
  return n;
}
