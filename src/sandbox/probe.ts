// Startup check: can this machine run the bubblewrap sandbox as we configure it? Runs a real
// sandboxed `true` once (cached), so user-namespace restrictions (AppArmor, sysctl) or a
// missing bwrap/prlimit/setpriv show up before any agent code is accepted.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BwrapSandbox } from './bwrap.js';
import { DEFAULT_LIMITS } from './limits.js';

export interface ProbeResult {
  ok: boolean;
  /** why not, when !ok */
  reason?: string;
}

let cached: Promise<ProbeResult> | null = null;

export function probeBwrap(force = false): Promise<ProbeResult> {
  if (!cached || force) cached = runProbe();
  return cached;
}

async function runProbe(): Promise<ProbeResult> {
  const dir = await mkdtemp(join(tmpdir(), 'genegym-probe-'));
  try {
    const sb = new BwrapSandbox({ workspace: dir, limits: { ...DEFAULT_LIMITS, timeoutMs: 20_000 } });
    const r = await sb.exec({ argv: ['/bin/sh', '-c', 'echo sandbox-ok'] }).finally(() => sb.cleanup());
    if (r.status !== 'ok' || r.exitCode !== 0 || !r.stdout.includes('sandbox-ok')) {
      return { ok: false, reason: r.sandboxError ?? `probe exited ${r.exitCode} (${r.status}): ${r.stderr.trim().slice(0, 300)}` };
    }
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Whether python3 with numpy/scipy/pandas/statsmodels runs inside the sandbox (slow: imports them). */
export async function probePythonToolchain(): Promise<{ ok: boolean; detail: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'genegym-probe-'));
  try {
    const sb = new BwrapSandbox({ workspace: dir, limits: { ...DEFAULT_LIMITS, timeoutMs: 60_000 } });
    const r = await sb
      .exec({ argv: ['python3', '-c', 'import numpy, scipy, pandas, statsmodels; print(numpy.__version__, scipy.__version__, pandas.__version__, statsmodels.__version__)'] })
      .finally(() => sb.cleanup());
    const ok = r.status === 'ok' && r.exitCode === 0;
    return { ok, detail: ok ? `numpy/scipy/pandas/statsmodels ${r.stdout.trim().split(' ').join(' / ')}` : (r.sandboxError ?? r.stderr.trim().split('\n').pop() ?? r.status) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
