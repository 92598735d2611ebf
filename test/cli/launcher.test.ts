// bin/genegym.js chooses what to run: the compiled dist/ only while it is at least as new as
// every source file, else the TypeScript sources (with a note), so an edit after a build is never
// silently ignored. Checked on a copy of the launcher in a scratch tree whose two entry points
// say which one ran.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('bin/genegym.js runs dist/ only while it is as new as every source file', () => {
  const root = mkdtempSync(join(tmpdir(), 'genegym-launcher-'));
  try {
    mkdirSync(join(root, 'bin'));
    copyFileSync(join(repo, 'bin', 'genegym.js'), join(root, 'bin', 'genegym.js'));
    symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules')); // tsx, for the sources
    writeFileSync(join(root, 'package.json'), JSON.stringify({ type: 'module' }));
    mkdirSync(join(root, 'src', 'cli'), { recursive: true });
    mkdirSync(join(root, 'src', 'genome', 'fetch'), { recursive: true });
    writeFileSync(join(root, 'src', 'cli', 'main.ts'), "const from: string = 'sources';\nconsole.log(`ran the ${from}`, process.argv.slice(2).join(' '));\n");
    writeFileSync(join(root, 'src', 'genome', 'fetch', 'deep.ts'), 'export const x = 1;\n');
    mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
    writeFileSync(join(root, 'dist', 'cli', 'main.js'), "console.log('ran the compiled', process.argv.slice(2).join(' '));\n");
    const at = (path: string, seconds: number) => utimesSync(join(root, path), seconds, seconds);
    const launch = () => {
      const r = spawnSync(process.execPath, [join(root, 'bin', 'genegym.js'), 'assembly', 'info'], { cwd: root, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return { out: r.stdout.trim(), err: r.stderr };
    };

    // built after the last edit: the compiled CLI, quietly, with the arguments passed on
    at('src/cli/main.ts', 1_000_000);
    at('src/genome/fetch/deep.ts', 1_000_000);
    at('dist/cli/main.js', 1_000_100);
    assert.deepEqual(launch(), { out: 'ran the compiled assembly info', err: '' });

    // one source file deep in the tree edited after the build: the sources, and a note saying why
    at('src/genome/fetch/deep.ts', 1_000_200);
    const stale = launch();
    assert.equal(stale.out, 'ran the sources assembly info');
    assert.match(stale.err, /dist\/ is older than src\/; running the sources \(npm run build to refresh\)/);

    // a build of the same second as the newest source counts as fresh
    at('dist/cli/main.js', 1_000_200);
    assert.equal(launch().out, 'ran the compiled assembly info');

    // never built: the sources, without a note
    rmSync(join(root, 'dist'), { recursive: true });
    assert.deepEqual(launch(), { out: 'ran the sources assembly info', err: '' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
