// Model specs (`provider/model` or `provider:model`, see providers.ts) to Model instances. Keys
// come from environment variables only (OPENAI_API_KEY, ANTHROPIC_API_KEY, the named providers'
// variables, or the variable --api-key-env names) and are registered for redaction, so they
// never reach a log line or an error message.

import { join } from 'node:path';
import { AnthropicTransport } from './anthropic.js';
import { ResponseCache } from './cache.js';
import { ModelClient } from './client.js';
import { registerSecret } from './errors.js';
import { AdaptiveLimiter } from './limiter.js';
import { OpenAiTransport } from './openai.js';
import type { RetryEvent, RetryPolicy } from './retry.js';
import type { ProviderTransport } from './types.js';
import { parseModelSpec, resolveEndpoint } from './providers.js';

export * from './types.js';
export { ModelClient } from './client.js';
export { ModelError, redactSecrets } from './errors.js';
export { AdaptiveLimiter } from './limiter.js';
export { ResponseCache } from './cache.js';
export { UsageMeter, loadPriceTable, DEFAULT_PRICES, costOf, type PriceTable } from './pricing.js';
export { emptyRoleUsage, type RoleUsage, type UsageRole } from './usage.js';

export { canonicalModelSpec, parseModelSpec, PROVIDERS, type ModelSpec } from './providers.js';

export interface CreateModelOptions {
  baseUrl?: string;
  /** Name of the environment variable holding the key (default per provider). */
  apiKeyEnv?: string;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Upper bound of concurrent model calls; the limiter adapts below it. */
  maxConcurrency?: number;
  /** Directory of the response cache, or null for no cache. */
  cacheDir?: string | null;
  onRetry?: (e: RetryEvent) => void;
  env?: NodeJS.ProcessEnv;
}

export function createModel(spec: string, opts: CreateModelOptions = {}): ModelClient {
  const parsed = parseModelSpec(spec);
  const { baseUrl, apiKey } = resolveEndpoint(parsed, { baseUrl: opts.baseUrl, apiKeyEnv: opts.apiKeyEnv, env: opts.env ?? process.env });
  registerSecret(apiKey);
  const common = { model: parsed.model, baseUrl, apiKey, timeoutMs: opts.timeoutMs };
  const transport: ProviderTransport = parsed.wire === 'openai' ? new OpenAiTransport(common) : new AnthropicTransport(common);
  const max = Math.max(1, opts.maxConcurrency ?? 16);
  return new ModelClient(transport, {
    retry: opts.retry,
    limiter: new AdaptiveLimiter({ initial: max, max, min: 1 }),
    cache: opts.cacheDir ? new ResponseCache(opts.cacheDir) : null,
    onRetry: opts.onRetry,
  });
}

export function defaultCacheDir(home: string): string {
  return join(home, 'cache', 'models');
}
