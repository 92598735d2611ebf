// Optional API-key check: `X-API-Key: <key>` or `Authorization: Bearer <key>`. Compared in
// constant time over SHA-256 digests so neither content nor length leaks through timing.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type KeyCheck = (headers: IncomingHttpHeaders) => boolean;

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function apiKeyCheck(apiKey: string): KeyCheck {
  if (apiKey === '') throw new Error('API key must not be empty');
  const expected = digest(apiKey);
  return (headers) => {
    const presented = presentedKey(headers);
    if (presented === undefined) return false;
    return timingSafeEqual(digest(presented), expected);
  };
}

function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const x = headers['x-api-key'];
  if (typeof x === 'string' && x !== '') return x;
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1];
  }
  return undefined;
}
