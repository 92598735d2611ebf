import type { Limits } from './types.js';

const MiB = 1024 * 1024;

/** Defaults sized for pandas/scipy analyses of case-study files on a small machine. */
export const DEFAULT_LIMITS: Limits = {
  timeoutMs: 120_000,
  cpuSeconds: 150,
  memoryBytes: 3 * 1024 * MiB,
  maxProcesses: 64,
  fileSizeBytes: 512 * MiB,
  openFiles: 256,
  outputBytes: 64 * 1024,
  outputKillBytes: 16 * MiB,
  tmpBytes: 256 * MiB,
  diskBytes: 1024 * MiB,
  sessionMemoryBytes: 3 * 1024 * MiB,
  sessionProcesses: 128,
};

/** Merged limits, validated (positive integers) so a typo never means "unlimited". */
export function resolveLimits(base: Limits, over: Partial<Limits> = {}): Limits {
  const out = { ...base, ...over };
  for (const [k, v] of Object.entries(out)) {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`sandbox limit ${k} must be a positive integer, got ${v}`);
  }
  return out;
}
