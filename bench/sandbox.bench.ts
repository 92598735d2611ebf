// Sandbox start-up cost: `npm run bench:sandbox`. Median wall time of `true` and of importing
// numpy/scipy/pandas/statsmodels.api, inside bubblewrap vs the unisolated runner (both under
// the same prlimit wrapper), so the isolation overhead is visible on its own; and the cost of
// opening + closing a session's sandbox (as root: its size-capped workspace filesystem, uid
// and cgroup) with a small staged file.

import { performance } from 'node:perf_hooks';
import { openSandbox, type Sandbox } from '../src/sandbox/index.js';

const N = Number(process.env.BENCH_SANDBOX_RUNS ?? 21);

async function median(sb: Sandbox, argv: string[], n: number): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = performance.now();
    const r = await sb.exec({ argv });
    if (r.status !== 'ok' || r.exitCode !== 0) throw new Error(`${argv.join(' ')} failed: ${r.sandboxError ?? r.stderr}`);
    t.push(performance.now() - a);
  }
  t.sort((x, y) => x - y);
  return t[Math.floor(n / 2)];
}

async function medianOpen(mode: 'bwrap' | 'none', n: number): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = performance.now();
    const sb = await openSandbox({ mode, files: [{ path: 'data/x.tsv', data: new Uint8Array(64 * 1024) }] });
    await sb.cleanup();
    t.push(performance.now() - a);
  }
  t.sort((x, y) => x - y);
  return t[Math.floor(n / 2)];
}

const bwrap = await openSandbox({ mode: 'bwrap', files: [] });
const none = await openSandbox({ mode: 'none', files: [] });
try {
  const py = ['/usr/bin/python3', '-c', 'import numpy, scipy, pandas, statsmodels.api'];
  const rows = [
    ['`true`', await median(bwrap, ['true'], N), await median(none, ['true'], N)],
    ['python3 + numpy/scipy/pandas/statsmodels.api', await median(bwrap, py, 5), await median(none, py, 5)],
    ['open + close a session sandbox (64 KiB staged)', await medianOpen('bwrap', N), await medianOpen('none', N)],
  ] as const;
  console.log('| command (median ms) | bwrap | none | overhead |\n|---|---|---|---|');
  for (const [name, b, n] of rows) console.log(`| ${name} | ${b.toFixed(1)} | ${n.toFixed(1)} | ${(b - n).toFixed(1)} |`);
  console.log(`bwrap budgets enforced by: ${JSON.stringify((bwrap as unknown as { budgets(): unknown }).budgets())}`);
} finally {
  await bwrap.cleanup();
  await none.cleanup();
}
