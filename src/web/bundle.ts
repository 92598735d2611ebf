// The viewer's static bundle: built by Vite from src/web/app into dist/ui (never committed).
// A fingerprint of the app sources is stored beside the bundle, so a stale bundle is rebuilt
// rather than served; builds go to a temporary folder and are moved into place whole.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const APP_DIR = join(REPO_ROOT, 'src', 'web', 'app');
export const BUNDLE_DIR = join(REPO_ROOT, 'dist', 'ui');
const STAMP = '.source-hash';

/** Hash of every file under src/web/app (paths and contents). */
export function sourceHash(dir = APP_DIR): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(relative(dir, p)).update('\0').update(readFileSync(p)).update('\0');
    }
  };
  walk(dir);
  return h.digest('hex');
}

export function bundleIsCurrent(bundleDir = BUNDLE_DIR): boolean {
  try {
    return existsSync(join(bundleDir, 'index.html')) && readFileSync(join(bundleDir, STAMP), 'utf8').trim() === sourceHash();
  } catch {
    return false;
  }
}

/** Builds the bundle with Vite (a dev dependency) unless it is current; returns its folder. */
export async function ensureBundle(opts: { force?: boolean; bundleDir?: string } = {}): Promise<string> {
  const bundleDir = opts.bundleDir ?? BUNDLE_DIR;
  if (!opts.force && bundleIsCurrent(bundleDir)) return bundleDir;
  const hash = sourceHash();
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new Error('the web viewer bundle is missing and Vite is not installed: run `npm install` (it builds the bundle) or `npm run build:web`');
  }
  const tmp = `${bundleDir}.tmp-${process.pid}-${Date.now()}`;
  try {
    await vite.build({
      configFile: false,
      root: APP_DIR,
      base: './',
      logLevel: 'warn',
      esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
      build: { outDir: tmp, emptyOutDir: true, chunkSizeWarningLimit: 2000 },
    });
    writeFileSync(join(tmp, STAMP), hash + '\n');
    // Another process may have built the same sources meanwhile: then keep its bundle.
    if (!opts.force && bundleIsCurrent(bundleDir)) return bundleDir;
    rmSync(bundleDir, { recursive: true, force: true });
    try {
      renameSync(tmp, bundleDir);
    } catch (err) {
      if (!bundleIsCurrent(bundleDir)) throw err;
    }
    return bundleDir;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
