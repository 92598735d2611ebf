// A Model built from a provider transport plus the machinery every call needs: the on-disk
// cache, the adaptive concurrency limiter and bounded classified retries.

import { cacheKey, type ResponseCache } from './cache.js';
import { ModelError } from './errors.js';
import { AdaptiveLimiter } from './limiter.js';
import { DEFAULT_RETRY, withRetries, type RetryEvent, type RetryPolicy } from './retry.js';
import type { GenerateOptions, Model, ModelRequest, ModelResponse, ProviderTransport } from './types.js';

export interface ModelClientOptions {
  retry?: Partial<RetryPolicy>;
  limiter?: AdaptiveLimiter;
  cache?: ResponseCache | null;
  onRetry?: (e: RetryEvent) => void;
}

export class ModelClient implements Model {
  readonly id: string;
  readonly limiter: AdaptiveLimiter;
  private readonly retry: RetryPolicy;
  /** Retries taken so far, for progress display. */
  retries = 0;

  constructor(
    private readonly transport: ProviderTransport,
    private readonly opts: ModelClientOptions = {},
  ) {
    this.id = `${transport.provider}:${transport.model}`;
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.limiter = opts.limiter ?? new AdaptiveLimiter({ initial: 16, max: 64 });
  }

  async generate(request: ModelRequest, gen: GenerateOptions = {}): Promise<ModelResponse> {
    const cache = this.opts.cache ?? null;
    const key = cache
      ? cacheKey({ provider: this.transport.provider, baseUrl: this.transport.baseUrl, model: this.transport.model, request, salt: gen.cacheSalt })
      : '';
    if (cache) {
      const hit = await cache.get(key);
      if (hit) return { ...hit, cached: true, attempts: 0 };
    }
    const signal = gen.signal ?? new AbortController().signal;
    const { value, attempts } = await this.withEndpointInErrors(() => withRetries(
      async () => {
        const permit = await this.limiter.acquire(signal);
        try {
          const out = await this.transport.send(request, signal);
          this.limiter.release(permit, 'ok');
          return out;
        } catch (err) {
          const rateLimited = err instanceof ModelError && err.kind === 'rate_limit';
          this.limiter.release(permit, rateLimited ? 'rate_limited' : 'failed');
          throw err;
        }
      },
      this.retry,
      {
        signal,
        onRetry: (e) => {
          this.retries++;
          this.opts.onRetry?.(e);
        },
      },
    ));
    if (cache) await cache.set(key, value);
    return { ...value, cached: false, attempts };
  }

  /** The last error of a call names where it went, so "connection refused" says which server. */
  private async withEndpointInErrors<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ModelError) || err.kind === 'aborted') throw err;
      const t = this.transport;
      throw new ModelError(err.kind, `${t.provider} model ${t.model} at ${t.baseUrl}: ${err.message}`, { status: err.status, retryAfterMs: err.retryAfterMs });
    }
  }
}
