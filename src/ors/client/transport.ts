// HTTP transport of the ORS client: one place that builds URLs and headers, retries
// 429 and 5xx answers (and connection failures) a bounded number of times with exponential
// backoff, and turns every other non-2xx answer into an OrsHttpError at once.

import { backoffDelay, DEFAULT_BACKOFF, retryAfterMs, sleep, type BackoffOptions } from './backoff.js';
import { OrsConnectionError, OrsHttpError, OrsProtocolError } from './errors.js';

export const CLIENT_VERSION = '0.1.0';

export interface TransportOptions {
  baseUrl: string;
  apiKey?: string;
  /** Retries after the first attempt for 429, 5xx and connection failures. Default 3. */
  retries?: number;
  backoff?: Partial<BackoffOptions>;
  /** Time limit of one plain (non-streaming) attempt; 0 disables it. Default 300 s. */
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  userAgent?: string;
}

export interface SendOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Ask for an event stream (the `/call` and `/create_session` endpoints). */
  eventStream?: boolean;
  signal?: AbortSignal;
  /** Overrides the transport's per-attempt time limit; 0 disables it. */
  timeoutMs?: number;
  /** Overrides the transport's retry count. */
  retries?: number;
  /**
   * Which connection failures to retry: 'all' (default), or 'unsent' for requests the server
   * must not see twice, which are retried only when they provably never left (refused, DNS).
   */
  retryConnectionFailures?: 'all' | 'unsent';
}

/** Error codes meaning the request was never sent. */
const UNSENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export class HttpTransport {
  readonly baseUrl: string;
  readonly retries: number;
  private readonly backoff: BackoffOptions;
  /** Per-attempt time limit of plain requests (0: none). */
  readonly requestTimeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly baseHeaders: Record<string, string>;

  constructor(opts: TransportOptions) {
    let url: URL;
    try {
      url = new URL(opts.baseUrl);
    } catch {
      throw new TypeError(`ORS base URL is not a valid URL: ${JSON.stringify(opts.baseUrl)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`ORS base URL must be http or https: ${opts.baseUrl}`);
    }
    this.baseUrl = url.href.replace(/\/+$/, '');
    this.retries = checkCount('retries', opts.retries ?? 3);
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 300_000;
    this.fetchImpl = opts.fetch ?? globalThis.fetch;
    this.baseHeaders = { 'user-agent': opts.userAgent ?? `genegym-ors-client/${CLIENT_VERSION}` };
    if (opts.apiKey) this.baseHeaders['x-api-key'] = opts.apiKey;
  }

  /** Sends a request; resolves with a 2xx response whose body is not yet read. */
  async send(method: string, path: string, opts: SendOptions = {}): Promise<Response> {
    const retries = opts.retries ?? this.retries;
    const headers: Record<string, string> = { ...this.baseHeaders, ...opts.headers };
    headers.accept = opts.eventStream ? 'text/event-stream' : 'application/json';
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const url = this.baseUrl + path;
    const timeoutMs = opts.timeoutMs ?? this.requestTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        const signals: AbortSignal[] = [];
        if (opts.signal) signals.push(opts.signal);
        if (timeoutMs > 0) signals.push(AbortSignal.timeout(timeoutMs));
        const signal = signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
        response = await this.fetchImpl(url, { method, headers, body, signal });
      } catch (err) {
        if (opts.signal?.aborted) throw opts.signal.reason;
        const unsent = err instanceof Error && UNSENT_CODES.has(String((err.cause as { code?: unknown } | undefined)?.code));
        if (attempt >= retries || (opts.retryConnectionFailures === 'unsent' && !unsent)) {
          throw new OrsConnectionError(`${method} ${url}: ${describeFetchError(err)} (after ${attempt + 1} attempts)`, {
            cause: err,
          });
        }
        await sleep(backoffDelay(attempt + 1, this.backoff), opts.signal);
        continue;
      }
      if (response.ok) return response;
      const retryable = response.status === 429 || response.status >= 500;
      const detail = await readDetail(response);
      if (!retryable || attempt >= retries) throw new OrsHttpError(method, path, response.status, detail);
      const asked = retryAfterMs(response.headers.get('retry-after'));
      const delay = Math.min(this.backoff.maxMs, Math.max(asked ?? 0, backoffDelay(attempt + 1, this.backoff)));
      await sleep(delay, opts.signal);
    }
  }

  /** Sends a request and parses its JSON answer. */
  async json<T>(method: string, path: string, opts: SendOptions = {}): Promise<T> {
    const response = await this.send(method, path, opts);
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new OrsProtocolError(`${method} ${path}: answer is not JSON: ${text.slice(0, 200)}`);
    }
  }
}

/** The `detail` of a FastAPI-style error body; the raw text when the body is not JSON. */
async function readDetail(response: Response): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch {
    return null;
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && 'detail' in parsed) return (parsed as { detail: unknown }).detail;
    return parsed;
  } catch {
    return text;
  }
}

function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

function checkCount(what: string, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
  return n;
}
