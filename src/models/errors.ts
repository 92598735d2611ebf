// Model-call failures, classified so the retry loop knows what is worth retrying:
// 429, 5xx, timeouts and dropped connections are transient; any other 4xx is not.

export type ModelErrorKind = 'rate_limit' | 'server' | 'timeout' | 'connection' | 'client' | 'protocol' | 'aborted';

export class ModelError extends Error {
  override name = 'ModelError';
  readonly kind: ModelErrorKind;
  readonly status: number | null;
  /** Server-requested wait (Retry-After), if any. */
  readonly retryAfterMs: number | null;
  constructor(kind: ModelErrorKind, message: string, opts: { status?: number | null; retryAfterMs?: number | null } = {}) {
    super(redactSecrets(message));
    this.kind = kind;
    this.status = opts.status ?? null;
    this.retryAfterMs = opts.retryAfterMs ?? null;
  }
  get retryable(): boolean {
    return this.kind === 'rate_limit' || this.kind === 'server' || this.kind === 'timeout' || this.kind === 'connection';
  }
}

export function kindOfStatus(status: number): ModelErrorKind {
  if (status === 429) return 'rate_limit';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server';
  return 'client';
}

/** Keys registered here are scrubbed from every error message and log line. */
const knownSecrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) knownSecrets.add(value);
}

/** Removes registered keys and anything shaped like a bearer token or API key. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const s of knownSecrets) out = out.split(s).join('[REDACTED]');
  return out
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1[REDACTED]')
    .replace(/\b(sk-[A-Za-z0-9_-]{6,}|sk-ant-[A-Za-z0-9_-]{6,})/g, '[REDACTED]')
    .replace(/("?(?:x-api-key|api[_-]?key|authorization)"?\s*[:=]\s*"?)[^\s",}]+/gi, '$1[REDACTED]');
}
