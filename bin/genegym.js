#!/usr/bin/env node
// Runs the compiled CLI (npm run build) when it is at least as new as every source file, else
// the TypeScript sources through tsx: an edit after a build is never silently ignored.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'cli', 'main.js');

/** Newest modification time under dir (ms), skipping the web app's own build output. */
function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'dist') newest = Math.max(newest, newestSource(p));
    } else {
      newest = Math.max(newest, statSync(p).mtimeMs);
    }
  }
  return newest;
}

const src = join(root, 'src');
const useCompiled = existsSync(compiled) && (!existsSync(src) || statSync(compiled).mtimeMs >= newestSource(src));
if (useCompiled) {
  await import(pathToFileURL(compiled).href);
} else {
  if (existsSync(compiled)) process.stderr.write('genegym: dist/ is older than src/; running the sources (npm run build to refresh)\n');
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href);
}
