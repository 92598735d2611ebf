// Settings shared by the client, its environments and sessions.

import type { BackoffOptions } from './backoff.js';
import type { HttpTransport } from './transport.js';

export interface ClientSettings {
  transport: HttpTransport;
  silenceTimeoutMs: number;
  pingIntervalMs: number;
  maxReconnects: number;
  backoff: BackoffOptions;
  sendSecretsHeader: boolean;
}

/** Path of an environment-scoped endpoint. */
export function envPath(env: string, endpoint: string): string {
  return `/${encodeURIComponent(env)}/${endpoint}`;
}
