// The built-in synthetic demo assembly: built once into <GENEGYM_HOME>/assemblies/demo and reused
// while its generator version and seed match. Builds go to a temporary sibling directory and are
// renamed into place, so concurrent processes (parallel test files) never see a half-written one.

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { assemblyDir } from '../home.js';
import type { AssemblyManifest } from '../types.js';
import { DEFAULT_DEMO_SEED, DEMO_GENERATOR_VERSION, buildDemoAssembly } from './build.js';

export { buildDemoAssembly, DEFAULT_DEMO_SEED, DEMO_GENERATOR_VERSION, sha256File, type BuildDemoOptions, type DemoSummary } from './build.js';
export { computeExonFrames, ucscBin, formatGenePredRow } from './genes.js';
export { Rng, hash32 } from './prng.js';

/** Name of the demo assembly for a seed: "demo" for the default seed, "demo-seed<N>" otherwise. */
export function demoAssemblyName(seed = DEFAULT_DEMO_SEED): string {
  return seed === DEFAULT_DEMO_SEED ? 'demo' : `demo-seed${seed}`;
}

/** True when `dir` holds a complete demo assembly for this seed and generator version. */
export async function isCurrentDemo(dir: string, seed: number): Promise<boolean> {
  try {
    const m = JSON.parse(await readFile(join(dir, 'assembly.json'), 'utf8')) as AssemblyManifest;
    const src = m.source ?? {};
    if (src.generator !== 'genegym-demo' || src.generatorVersion !== DEMO_GENERATOR_VERSION || src.seed !== seed || src.scale !== 'demo') return false;
    for (const f of Object.values(m.files)) {
      if ((await stat(join(dir, f.path))).size !== f.bytes) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns the directory of the demo assembly for `seed`, building it first when it is missing or
 * stale (another seed, an older generator). Safe to call from several processes at once.
 */
export async function ensureDemoAssembly(opts: { home?: string; seed?: number } = {}): Promise<string> {
  const seed = opts.seed ?? DEFAULT_DEMO_SEED;
  const name = demoAssemblyName(seed);
  const dir = assemblyDir(name, opts.home);
  if (await isCurrentDemo(dir, seed)) return dir;
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const tmp = await mkdtemp(join(parent, `.${name}.build-`));
  try {
    await buildDemoAssembly(tmp, { seed, name });
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await rename(tmp, dir);
        return dir;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM' && code !== 'EBUSY') throw e;
        // someone else finished first: use theirs if it is current, else move the stale one aside
        if (await isCurrentDemo(dir, seed)) return dir;
        if (existsSync(dir)) {
          const stale = `${parent}/.${name}.stale-${process.pid}-${Date.now()}-${attempt}`;
          await rename(dir, stale).catch(() => {});
          await rm(stale, { recursive: true, force: true });
        }
      }
    }
    throw new Error(`could not install the demo assembly into ${dir}`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
