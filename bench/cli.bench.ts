// CLI start-up: `npm run bench:cli [-- --trials 15]`. Interleaves `node -e 0`, the compiled
// `genegym --help` and the compiled `genegym assembly seq` of 1 kb on the demo assembly (each
// command a fresh process, round-robin so machine load hits all three alike) and reports the
// median wall time of each and its ratio to `node -e 0`. Goals (issue 19): --help <= 3x,
// assembly seq <= 5x. Builds dist/ first when it is missing or older than src/.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const i = process.argv.indexOf('--trials');
const TRIALS = i >= 0 ? Number(process.argv[i + 1]) : 15;
const main = join(root, 'dist', 'cli', 'main.js');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

if (!existsSync(main) || statSync(main).mtimeMs < newest(join(root, 'src'))) {
  console.error('building dist/ (npm run build)...');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}
// the demo assembly is built once, outside the timed runs
execFileSync(process.execPath, [main, 'assembly', 'demo'], { cwd: root, stdio: 'ignore' });

const commands: Record<string, string[]> = {
  'node -e 0': ['-e', '0'],
  'genegym --help': [main, '--help'],
  'genegym assembly seq (1 kb)': [main, 'assembly', 'seq', 'chr1:100001-101000'],
};
const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
for (let t = 0; t < TRIALS; t++) {
  for (const [name, args] of Object.entries(commands)) {
    const a = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr}`);
    times[name].push(performance.now() - a);
  }
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const base = median(times['node -e 0']);
console.log(`CLI start-up, compiled, ${TRIALS} interleaved trials, load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`);
console.log('| command | median ms | × node -e 0 |\n|---|---:|---:|');
for (const name of Object.keys(commands)) console.log(`| ${name} | ${median(times[name]).toFixed(0)} | ${(median(times[name]) / base).toFixed(2)} |`);
