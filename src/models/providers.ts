// Model specs as researchers type them: `provider/model` (Inspect AI's form) or `provider:model`.
// Named OpenAI-compatible providers map to their base URL and key variable; every provider's
// base URL can be moved by its *_BASE_URL variable, so a vLLM user's key never goes to a public
// endpoint by accident. The model part may itself contain slashes (`openrouter/meta-llama/x`).

export type Wire = 'openai' | 'anthropic';

export interface ProviderInfo {
  /** the API the provider speaks */
  wire: Wire;
  /** variable holding the key; null for local servers that take none */
  keyEnv: string | null;
  /** variable that moves the base URL */
  baseUrlEnv: string;
  /** base URL when neither --base-url nor the variable is set (undefined: the SDK's own) */
  defaultBaseUrl?: string;
  /** a local server: no key needed */
  keyOptional?: boolean;
}

export const PROVIDERS: Record<string, ProviderInfo> = {
  openai: { wire: 'openai', keyEnv: 'OPENAI_API_KEY', baseUrlEnv: 'OPENAI_BASE_URL' },
  anthropic: { wire: 'anthropic', keyEnv: 'ANTHROPIC_API_KEY', baseUrlEnv: 'ANTHROPIC_BASE_URL' },
  vllm: { wire: 'openai', keyEnv: 'VLLM_API_KEY', baseUrlEnv: 'VLLM_BASE_URL', defaultBaseUrl: 'http://localhost:8000/v1', keyOptional: true },
  ollama: { wire: 'openai', keyEnv: 'OLLAMA_API_KEY', baseUrlEnv: 'OLLAMA_BASE_URL', defaultBaseUrl: 'http://localhost:11434/v1', keyOptional: true },
  openrouter: { wire: 'openai', keyEnv: 'OPENROUTER_API_KEY', baseUrlEnv: 'OPENROUTER_BASE_URL', defaultBaseUrl: 'https://openrouter.ai/api/v1' },
  together: { wire: 'openai', keyEnv: 'TOGETHER_API_KEY', baseUrlEnv: 'TOGETHER_BASE_URL', defaultBaseUrl: 'https://api.together.xyz/v1' },
};

export interface ModelSpec {
  /** the provider as typed (openai, anthropic, vllm, ollama, openrouter, together) */
  provider: string;
  model: string;
  wire: Wire;
}

export function parseModelSpec(spec: string): ModelSpec {
  const s = spec.trim();
  const m = /^([a-z][a-z0-9-]*)[:/](.+)$/i.exec(s);
  const provider = m?.[1].toLowerCase();
  if (!m || !provider || !(provider in PROVIDERS) || m[2].trim() === '') {
    throw new Error(`--model must look like <provider>/<model> or <provider>:<model> with provider one of ${Object.keys(PROVIDERS).join(', ')} (got "${spec}")`);
  }
  return { provider, model: m[2].trim(), wire: PROVIDERS[provider].wire };
}

/** The canonical spelling stored in run.json and the price table: `provider:model`. */
export function canonicalModelSpec(spec: string): string {
  const p = parseModelSpec(spec);
  return `${p.provider}:${p.model}`;
}

export interface ResolvedEndpoint {
  baseUrl: string | undefined;
  keyEnv: string | null;
  apiKey: string | undefined;
}

/**
 * Base URL and key for a provider: --base-url, else the provider's *_BASE_URL variable, else its
 * default; the key from --api-key-env, else the provider's variable.
 */
export function resolveEndpoint(spec: ModelSpec, opts: { baseUrl?: string; apiKeyEnv?: string; env: NodeJS.ProcessEnv }): ResolvedEndpoint {
  const info = PROVIDERS[spec.provider];
  const nonEmpty = (v: string | undefined) => (v && v.trim() !== '' ? v.trim() : undefined);
  const baseUrl = nonEmpty(opts.baseUrl) ?? nonEmpty(opts.env[info.baseUrlEnv]) ?? info.defaultBaseUrl;
  const keyEnv = opts.apiKeyEnv ?? info.keyEnv;
  const apiKey = keyEnv ? nonEmpty(opts.env[keyEnv]) : undefined;
  if (!apiKey && !info.keyOptional && !nonEmpty(opts.baseUrl) && !nonEmpty(opts.env[info.baseUrlEnv])) {
    throw new Error(`${spec.provider} needs an API key in $${keyEnv} (or set --base-url / $${info.baseUrlEnv} for a local server that needs none)`);
  }
  return { baseUrl, keyEnv, apiKey };
}
