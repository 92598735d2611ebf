// The viewer's in-memory index beyond what the sidecar tests cover: scans with a buffer smaller
// than one line, a file replaced under the viewer, the memory budget, and run summaries kept
// across viewer processes by the size and time of the run's file.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Fastify from 'fastify';
import { finalRecords, RunStore, runsDir } from '../../src/runs/store.js';
import { replacedAttempts, summarise } from '../../src/runs/summary.js';
import { mountViewer } from '../../src/web/server/plugin.js';
import { EMPTY_SCAN, scanRun } from '../../src/web/server/run-scan.js';
import { RunsView } from '../../src/web/server/runs-view.js';
import { ViewerIndex } from '../../src/web/server/viewer-index.js';
import { config, RUN, withHome, writeRun } from './small-run.js';

function smallRun(home: string, runId = RUN): RunStore {
  const store = RunStore.create(home, { ...config(), run_id: runId });
  writeRun(store, [0, 1, 2, 3, 4, 5, 6, 7], 1);
  writeRun(store, [0, 1, 2, 3, 4, 5, 6, 7], 2);
  store.close();
  return store;
}

test('a scan through a buffer smaller than one line finds the same rows as one through a large buffer', () =>
  withHome((home) => {
    const store = smallRun(home);
    const big = scanRun(store, EMPTY_SCAN);
    for (const chunkBytes of [1, 37, 500]) {
      const small = scanRun(store, EMPTY_SCAN, { chunkBytes });
      assert.deepEqual(small.rows, big.rows, `chunk ${chunkBytes}`);
      assert.deepEqual(small.search, big.search);
      assert.deepEqual(small.state, big.state);
    }
    assert.equal(big.state.bytes, readFileSync(store.episodesPath).length);
    assert.ok(big.rows.length > 16);
  }));

test('finals, pages and filters equal the store reader’s final records', () =>
  withHome((home) => {
    const store = smallRun(home);
    const table = new ViewerIndex().sync(store);
    const finals = [...finalRecords(store.read().records).values()];
    assert.deepEqual(table.finals.map((r) => [r.key, r.attempt, r.outcome]), finals.map((r) => [r.key, r.attempt, r.outcome]));
    const byTask = [...finals].sort((a, b) => a.task_index - b.task_index || a.epoch - b.epoch);
    const wrong = byTask.filter((r) => r.outcome === 'wrong');
    const page = table.page({ outcome: 'wrong', offset: 1, limit: 2 });
    assert.equal(page.total, wrong.length);
    assert.deepEqual(page.rows.map((r) => r.key), wrong.slice(1, 3).map((r) => r.key));
    assert.deepEqual(table.page({ domain: '(none)', offset: 0, limit: 100 }).rows.map((r) => r.key), byTask.filter((r) => r.domain === null).map((r) => r.key));
    // Text search is case-insensitive, over the task text too (multi-byte included).
    const hits = table.page({ q: 'WHAT IS 3 + 2? ✓', offset: 0, limit: 100 }).rows.map((r) => r.key);
    assert.deepEqual(hits, ['3#2']);
    assert.deepEqual(table.domains(), ['(none)', 'd1', 'd2']);
  }));

test('a run file rewritten in place under the viewer gives a 409, then the run is re-read from the start', () =>
  withHome(async (home) => {
    const store = smallRun(home);
    const app = Fastify();
    await mountViewer(app, { home, bundleDir: null, answerKeys: { expected: async () => ({ status: 'unavailable', reason: 'test' }) } });
    try {
      const key = encodeURIComponent('5#2');
      assert.equal((await app.inject(`/ui/api/runs/${RUN}/episodes/${key}`)).json().record.key, '5#2');
      // Same bytes, other line order: the size is unchanged, so no scan notices; the byte range no longer holds 5#2.
      const lines = readFileSync(store.episodesPath, 'utf8').split('\n').filter(Boolean);
      writeFileSync(store.episodesPath, [...lines].reverse().join('\n') + '\n');
      const conflict = await app.inject(`/ui/api/runs/${RUN}/episodes/${key}`);
      assert.equal(conflict.statusCode, 409);
      assert.match(conflict.json().detail, /changed under the viewer/);
      // The sidecar now describes another file too; every line it gets wrong is parsed instead.
      const again = await app.inject(`/ui/api/runs/${RUN}/episodes/${key}`);
      assert.equal(again.statusCode, 200);
      assert.equal(again.json().record.key, '5#2');
    } finally {
      await app.close();
    }
  }));

test('runs beyond the memory budget are dropped least recently used first, and rebuilt identically', () =>
  withHome((home) => {
    const stores = ['r1', 'r2', 'r3'].map((id) => smallRun(home, id));
    const one = new ViewerIndex().sync(stores[0]).approxBytes;
    const index = new ViewerIndex(2.5 * one);
    const first = index.sync(stores[0]).rows;
    index.sync(stores[1]);
    index.sync(stores[0]); // r1 is now the most recently used
    index.sync(stores[2]);
    assert.ok(index.table('r1'), 'recently used run kept');
    assert.equal(index.table('r2'), null, 'least recently used run dropped');
    assert.ok(index.table('r3'));
    assert.deepEqual(index.sync(stores[1]).rows, new ViewerIndex().sync(stores[1]).rows);
    assert.deepEqual(index.table('r1')?.rows ?? index.sync(stores[0]).rows, first);
    // A budget smaller than one run still serves that run.
    const tiny = new ViewerIndex(1);
    assert.equal(tiny.sync(stores[0]).rows.length, first.length);
  }));

test('a fresh viewer process takes unchanged runs’ summaries from disk without reading them; a changed run is summarised anew', () =>
  withHome((home) => {
    const store = smallRun(home);
    const expected = () => {
      const records = store.read().records;
      const finals = finalRecords(records);
      return summarise([...finals.values()], store.config.k, replacedAttempts(records, finals));
    };
    const legacy = join(runsDir(home), 'viewer.sqlite'); // an older version's row index, unused now
    writeFileSync(legacy, 'old');
    const first = new RunsView(home);
    assert.equal(existsSync(legacy), false, 'the unused legacy index is removed');
    assert.deepEqual(first.detail(RUN).summary, expected());
    first.close();

    const second = new RunsView(home);
    const detail = second.detail(RUN);
    assert.equal(second.index.table(RUN), null, 'the run was not indexed: its summary came from the cache');
    assert.deepEqual(JSON.parse(JSON.stringify(detail.summary)), JSON.parse(JSON.stringify(expected())));
    assert.equal(detail.item.status, 'complete', 'all 16 planned keys recorded');
    second.close();

    const resumed = RunStore.open(home, RUN);
    writeRun(resumed, [8, 9], 1);
    resumed.close();
    const third = new RunsView(home);
    const after = third.detail(RUN);
    assert.ok(third.index.table(RUN), 'the grown run was indexed again');
    assert.deepEqual(after.summary, expected());
    assert.equal(after.summary.episodes, 18);
    third.close();
  }));
