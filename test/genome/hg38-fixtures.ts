// Locates the real hg38 fixtures (repoRoot/../shared/data/hg38). Missing fixtures skip loudly,
// and fail under CI=true.

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';

export const HG38_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data', 'hg38');

/** Path of a fixture file, or undefined after skipping the test (failing it under CI). */
export function hg38(t: TestContext, file: string): string | undefined {
  const path = join(HG38_DIR, file);
  if (existsSync(path)) return path;
  const msg = `real hg38 fixture missing: ${path}`;
  if (process.env.CI === 'true') assert.fail(`${msg} (required under CI=true)`);
  console.warn(`WARNING: SKIPPING - ${msg}`);
  t.skip(msg);
  return undefined;
}
