// Secrets reach us two ways: the spec's `secrets` body field of /create, and the reference
// Python client's `X-Secrets` header (base64 of JSON `{"KEY": {"value": "v"}}`). Both are
// merged (body wins). Secret values are never logged or echoed in errors.

import type { Secrets } from '../types.js';
import { HttpError } from './errors.js';

export function parseSecretsHeader(header: string | string[] | undefined): Secrets {
  if (header === undefined) return {};
  const raw = Array.isArray(header) ? header.join(',') : header;
  if (raw.trim() === '') return {};
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(raw.trim(), 'base64').toString('utf8'));
  } catch {
    throw new HttpError(400, 'Invalid X-Secrets header: expected base64 of a JSON object');
  }
  if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded)) {
    throw new HttpError(400, 'Invalid X-Secrets header: expected base64 of a JSON object');
  }
  const out: Secrets = {};
  for (const [key, entry] of Object.entries(decoded as Record<string, unknown>)) {
    // Accept both `{"K": {"value": "v"}}` (reference client) and the flat `{"K": "v"}`.
    const value = typeof entry === 'string' ? entry : (entry as { value?: unknown } | null)?.value;
    if (typeof value !== 'string') {
      throw new HttpError(400, `Invalid X-Secrets header: secret ${JSON.stringify(key)} has no string value`);
    }
    out[key] = value;
  }
  return out;
}

export function mergeSecrets(fromHeader: Secrets, fromBody: Secrets | null | undefined): Secrets {
  return fromBody ? { ...fromHeader, ...fromBody } : fromHeader;
}
