// Server-wide disk admission: a workspace opens only if the host can hold it full beside what
// every live workspace may still write, plus a floor for the server's own files.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DiskLedger, overcommitFromEnv } from '../../src/sandbox/disk-ledger.js';
import { openSandbox, SandboxError } from '../../src/sandbox/index.js';

const GiB = 1024 ** 3;
const tick = () => new Promise((r) => setImmediate(r));
const parents: string[] = [];
after(async () => {
  for (const p of parents) await rm(p, { recursive: true, force: true });
});

test('admits while free space covers every live reservation, the new one and the floor; release makes room', async () => {
  const ledger = new DiskLedger({ freeBytes: async () => 10 * GiB, floorBytes: GiB, overcommit: 1 });
  const a = await ledger.reserve('/x', 4 * GiB);
  await ledger.reserve('/x', 4 * GiB);
  await assert.rejects(ledger.reserve('/x', 2 * GiB), (e: Error) => e instanceof SandboxError && /host disk too full/.test(e.message) && /2 live workspace/.test(e.message));
  await ledger.reserve('/x', 1 * GiB); // exactly fits: 10 - 8 - 1 floor
  ledger.release(a);
  await ledger.reserve('/x', 3 * GiB);
  assert.equal(ledger.size, 3);
});

test('a mounted image counts only what it may still write (its unallocated part)', async () => {
  const remaining = new Map<string, number>();
  const ledger = new DiskLedger({
    freeBytes: async () => 6 * GiB,
    floorBytes: GiB,
    overcommit: 1,
    remainingBytes: async (r) => (r.image ? remaining.get(r.image)! : r.bytes),
  });
  const a = await ledger.reserve('/x', 4 * GiB);
  await assert.rejects(ledger.reserve('/x', 2 * GiB));
  // the image is mounted and has allocated 3 GiB of its 4: free fell to 3 GiB, 1 GiB still promised
  a.image = '/x.disk';
  remaining.set('/x.disk', 1 * GiB);
  const ledger2 = ledger; // same ledger, the host now reports less free space
  (ledger2 as unknown as { freeBytes: () => Promise<number> }).freeBytes = async () => 3 * GiB;
  await assert.rejects(ledger.reserve('/x', 1.5 * GiB));
  await ledger.reserve('/x', 1 * GiB);
});

test('concurrent openings cannot share the last room', async () => {
  const ledger = new DiskLedger({
    freeBytes: async () => {
      await tick();
      return 4 * GiB;
    },
    remainingBytes: async (r) => {
      await tick();
      return r.bytes;
    },
    floorBytes: GiB,
    overcommit: 1,
  });
  const results = await Promise.allSettled(Array.from({ length: 10 }, () => ledger.reserve('/x', GiB)));
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
  assert.equal(ledger.size, 3);
});

test('overcommit f counts live reservations at 1/f; the environment variable is validated', async () => {
  const ledger = new DiskLedger({ freeBytes: async () => 6 * GiB, floorBytes: GiB, overcommit: 2 });
  for (let i = 0; i < 5; i++) await ledger.reserve('/x', 1.5 * GiB); // 7.5 GiB promised counts as 3.75 (without overcommit only 3 fit)
  await assert.rejects(ledger.reserve('/x', 1.5 * GiB));
  assert.equal(overcommitFromEnv({}), 1);
  assert.equal(overcommitFromEnv({ GENEGYM_SANDBOX_DISK_OVERCOMMIT: '4' }), 4);
  assert.throws(() => overcommitFromEnv({ GENEGYM_SANDBOX_DISK_OVERCOMMIT: '0.5' }), /≥ 1/);
  assert.throws(() => overcommitFromEnv({ GENEGYM_SANDBOX_DISK_OVERCOMMIT: 'lots' }), /≥ 1/);
});

test('openSandbox: refused on a full host with nothing left behind; an admitted workspace releases its room on cleanup', async () => {
  const parent = await mkdtemp(join(tmpdir(), 'genegym-ledger-'));
  parents.push(parent);
  const full = new DiskLedger({ freeBytes: async () => 2 * GiB, floorBytes: GiB, overcommit: 1 });
  await assert.rejects(
    openSandbox({ mode: 'none', files: [{ path: 'a.txt', data: Buffer.from('a') }], parent, ledger: full, limits: { diskBytes: 2 * GiB } }),
    (e: Error) => e instanceof SandboxError && /host disk too full/.test(e.message),
  );
  const root = join(parent, 'genegym-ws');
  const leftovers = async () => {
    const procs = await readdir(root).catch(() => [] as string[]);
    const inside = await Promise.all(procs.map((d) => readdir(join(root, d)).catch(() => [] as string[])));
    return inside.flat().filter((n) => n.startsWith('ws-'));
  };
  assert.deepEqual(await leftovers(), [], 'no workspace left after a refusal');
  assert.equal(full.size, 0);

  const roomy = new DiskLedger({ freeBytes: async () => 100 * GiB, floorBytes: GiB, overcommit: 1 });
  const sb = await openSandbox({ mode: 'none', files: [{ path: 'a.txt', data: Buffer.from('a') }], parent, ledger: roomy });
  assert.equal(roomy.size, 1);
  assert.equal((await leftovers()).length, 1, 'the admitted workspace exists');
  await sb.cleanup();
  assert.equal(roomy.size, 0);
  await sb.cleanup(); // idempotent
  assert.equal(roomy.size, 0);
});
