// On-disk response cache keyed on exactly what was sent: provider, base URL, model, the full
// request (messages, tools, sampling settings) and a salt (the epoch). Off by default, since a
// training-style run wants fresh samples; on for re-scoring. Errors are never cached.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelRequest, ModelResponse } from './types.js';

export interface CacheKeyParts {
  provider: string;
  baseUrl: string;
  model: string;
  request: ModelRequest;
  salt?: string;
}

/** JSON with object keys sorted, so equal requests hash equally whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function cacheKey(parts: CacheKeyParts): string {
  return createHash('sha256').update(canonicalJson({ v: 1, ...parts, salt: parts.salt ?? '' })).digest('hex');
}

export type CachedResponse = Omit<ModelResponse, 'cached' | 'attempts'>;

export class ResponseCache {
  constructor(readonly dir: string) {}

  private pathOf(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<CachedResponse | null> {
    try {
      const entry = JSON.parse(await readFile(this.pathOf(key), 'utf8')) as { key: string; response: CachedResponse };
      return entry.key === key ? entry.response : null;
    } catch {
      return null; // missing or torn entry: a miss, never an error
    }
  }

  async set(key: string, response: CachedResponse): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
    // Write-then-rename so a reader never sees half an entry.
    const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify({ key, response }));
    await rename(tmp, path);
  }
}
