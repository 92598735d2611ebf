import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkRelativePath, listWorkspace, LocalSandbox, DEFAULT_LIMITS, materialise, openWorkspaceFile, resolveLimits } from '../../src/sandbox/index.js';

test('checkRelativePath normalises and rejects escapes', () => {
  assert.equal(checkRelativePath('data/x.tsv'), 'data/x.tsv');
  assert.equal(checkRelativePath('./data//x.tsv'), 'data/x.tsv');
  assert.equal(checkRelativePath('/workspace/data/x.tsv'), 'data/x.tsv');
  assert.throws(() => checkRelativePath('../x'), /'\.\.'/);
  assert.throws(() => checkRelativePath('data/../../x'), /'\.\.'/);
  assert.throws(() => checkRelativePath('/etc/passwd'), /relative/);
  assert.throws(() => checkRelativePath(''), /empty/);
  assert.throws(() => checkRelativePath('a\0b'), /NUL/);
});

test('materialise writes read-only files; the file tools refuse symlinks that leave the workspace', async () => {
  const outside = await mkdtemp(join(tmpdir(), 'genegym-out-'));
  const ws = await mkdtemp(join(tmpdir(), 'genegym-ws-test-'));
  try {
    await writeFile(join(outside, 'truth.json'), '{"secret":1}');
    await materialise(ws, [{ path: 'data/a.tsv', data: new TextEncoder().encode('x\n') }, { path: 'b.txt', data: new Uint8Array([1]) }]);
    assert.deepEqual((await listWorkspace(ws)).files, [{ path: 'b.txt', bytes: 1 }, { path: 'data/a.tsv', bytes: 2 }]);
    await symlink(join(outside, 'truth.json'), join(ws, 'link.json'));
    await assert.rejects(openWorkspaceFile(ws, 'link.json'), /symbolic link/);
    const { handle, stats } = await openWorkspaceFile(ws, 'data/a.tsv');
    assert.equal(stats.size, 2);
    await handle.close();
    await assert.rejects(openWorkspaceFile(ws, 'missing.txt'), /no such file/);
    await assert.rejects(materialise(ws, [{ path: '../evil', data: new Uint8Array() }]), /'\.\.'/);
    // the listing names the link but does not follow it
    const listed = await listWorkspace(ws);
    assert.ok(!listed.files.some((f) => f.path === 'link.json'));
    assert.deepEqual(listed.links, ['link.json']);
  } finally {
    await rm(ws, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  }
});

test('limits are validated; the unisolated local runner still enforces the timeout', async () => {
  assert.throws(() => resolveLimits(DEFAULT_LIMITS, { timeoutMs: 0 }), /positive integer/);
  assert.throws(() => resolveLimits(DEFAULT_LIMITS, { memoryBytes: 1.5 }), /positive integer/);
  const ws = await mkdtemp(join(tmpdir(), 'genegym-local-'));
  try {
    const sb = new LocalSandbox(ws, resolveLimits(DEFAULT_LIMITS, { timeoutMs: 1000 }));
    const ok = await sb.exec({ argv: ['sh', '-c', 'echo $HOME; echo hi > f.txt'] });
    assert.equal(ok.status, 'ok');
    assert.equal(ok.stdout.trim(), ws);
    const slow = await sb.exec({ argv: ['sh', '-c', 'sleep 30'] });
    assert.equal(slow.status, 'timeout');
  } finally {
    await rm(ws, { recursive: true, force: true });
  }
});

test('without a working bubblewrap, untrusted execution is refused unless mode is none', async () => {
  const { assertSandboxUsable, SandboxError } = await import('../../src/sandbox/index.js');
  const broken = async () => ({ ok: false, reason: 'user namespaces disabled' });
  await assert.rejects(assertSandboxUsable('bwrap', broken), (e: unknown) => e instanceof SandboxError && /user namespaces disabled.*--sandbox=none/.test((e as Error).message));
  const warned: unknown[] = [];
  const warn = console.warn;
  console.warn = (...a: unknown[]) => warned.push(a.join(' '));
  try {
    await assertSandboxUsable('none', broken);
  } finally {
    console.warn = warn;
  }
  assert.match(String(warned[0]), /NO filesystem or network isolation/);
});
