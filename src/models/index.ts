// `provider:model` specs to Model instances. Keys come from environment variables only
// (OPENAI_API_KEY, ANTHROPIC_API_KEY, or the variable --api-key-env names) and are
// registered for redaction, so they never reach a log line or an error message.

import { join } from 'node:path';
import { AnthropicTransport } from './anthropic.js';
import { ResponseCache } from './cache.js';
import { ModelClient } from './client.js';
import { registerSecret } from './errors.js';
import { AdaptiveLimiter } from './limiter.js';
import { OpenAiTransport } from './openai.js';
import type { RetryEvent, RetryPolicy } from './retry.js';
import type { ProviderTransport } from './types.js';

export * from './types.js';
export { ModelClient } from './client.js';
export { ModelError, redactSecrets } from './errors.js';
export { AdaptiveLimiter } from './limiter.js';
export { ResponseCache } from './cache.js';
export { UsageMeter, loadPriceTable, DEFAULT_PRICES, costOf, type PriceTable } from './pricing.js';
export { emptyRoleUsage, type RoleUsage, type UsageRole } from './usage.js';

export interface ModelSpec {
  provider: 'openai' | 'anthropic';
  model: string;
}

export function parseModelSpec(spec: string): ModelSpec {
  const m = /^(openai|anthropic):(.+)$/.exec(spec.trim());
  if (!m) throw new Error(`--model must look like openai:<model> or anthropic:<model>, got "${spec}"`);
  return { provider: m[1] as ModelSpec['provider'], model: m[2] };
}

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
  const { provider, model } = parseModelSpec(spec);
  const env = opts.env ?? process.env;
  const keyVar = opts.apiKeyEnv ?? (provider === 'openai' ? 'OPENAI_API_KEY' : 'ANTHROPIC_API_KEY');
  const apiKey = env[keyVar] || undefined;
  registerSecret(apiKey);
  if (!apiKey && !opts.baseUrl) {
    throw new Error(`${provider} needs an API key in $${keyVar} (or pass --base-url for a local server that needs none)`);
  }
  let transport: ProviderTransport;
  if (provider === 'openai') transport = new OpenAiTransport({ model, baseUrl: opts.baseUrl, apiKey, timeoutMs: opts.timeoutMs });
  else transport = new AnthropicTransport({ model, baseUrl: opts.baseUrl, apiKey, timeoutMs: opts.timeoutMs });
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
