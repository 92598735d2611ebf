// The viewer index built from a run's sidecar (episodes.idx.jsonl) equals the index built by
// parsing the whole JSONL, row by row, and falls back to parsing for every line the sidecar
// does not describe exactly: a torn tail, a missing or corrupted entry, a deleted sidecar.

import assert from 'node:assert/strict';
import { appendFileSync, cpSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { finalRecords, RunStore, runsDir } from '../../src/runs/store.js';
import { ViewerIndex } from '../../src/web/server/viewer-index.js';
import { config, rec, RUN, withHome, writeRun } from './small-run.js';

/** Every field of every index row (with its search text and whether it is the key's final record), and the scan's coverage, after bringing the index up to date. */
function indexed(index: ViewerIndex, store: RunStore) {
  const table = index.sync(store);
  const rows = table.rows.map((r) => ({ ...r, search: table.searchOf(r), final: table.finalOf(r.key) === r }));
  return { bytes: table.state.bytes, rows, scan: { ...index.lastScan } };
}

/** The reference: the same run in another home without its sidecar, indexed by parsing every line. */
function fullScan(home: string) {
  const other = join(home, 'reference');
  rmSync(other, { recursive: true, force: true });
  cpSync(join(runsDir(home), RUN), join(runsDir(other), RUN), { recursive: true });
  const store = RunStore.open(other, RUN);
  rmSync(store.sidecarPath, { force: true });
  const index = new ViewerIndex();
  try {
    const out = indexed(index, store);
    assert.equal(out.scan.fromSidecar, 0);
    return out;
  } finally {
    index.close();
  }
}

function lineCount(store: RunStore): number {
  return readFileSync(store.episodesPath, 'utf8').split('\n').filter(Boolean).length;
}

test('the index from the sidecar equals a full scan row by row, and its finals follow finalRecords', () =>
  withHome((home) => {
    const store = RunStore.create(home, config());
    writeRun(store, [0, 1, 2, 3, 4, 5, 6, 7], 1);
    writeRun(store, [0, 1, 2, 3, 4, 5, 6, 7], 2);
    store.close();
    const index = new ViewerIndex();
    try {
      const got = indexed(index, store);
      assert.deepEqual(got.scan, { fromSidecar: lineCount(store), parsed: 0 }, 'every line came from the sidecar');
      assert.ok(got.rows.length > 16);
      assert.deepEqual(got.rows, fullScan(home).rows);
      const expected = [...finalRecords(store.read().records).values()].map((r) => [r.key, r.attempt, r.outcome]);
      assert.deepEqual(index.sync(store).finals.map((r) => [r.key, r.attempt, r.outcome]), expected);
    } finally {
      index.close();
    }
  }));

test('lines the sidecar misses (crash between the writes, torn tail, resume) are parsed; the rest still come from it', () =>
  withHome((home) => {
    const store = RunStore.create(home, config());
    writeRun(store, [0, 1, 2], 1);
    store.close();
    // kill -9 after the JSONL line, before its sidecar entry; then a torn record at the end.
    appendFileSync(store.episodesPath, JSON.stringify(rec(3, 1, 1, 'wrong')) + '\n');
    appendFileSync(store.episodesPath, '{"type":"episode","key":"4#1","outcome":"cor');
    const index = new ViewerIndex();
    try {
      let got = indexed(index, store);
      assert.deepEqual(got.scan, { fromSidecar: lineCount(store) - 2, parsed: 1 }, 'the unterminated torn line waits, the uncovered one is parsed');
      assert.deepEqual(got.rows.map((r) => (r as { key: string }).key), ['0#1', '1#1', '2#1', '2#1', '3#1']);
      // Resume: the torn line is sealed (and skipped), new lines get sidecar entries again.
      const resumed = RunStore.open(home, RUN);
      writeRun(resumed, [4, 5], 1);
      resumed.close();
      got = indexed(index, resumed);
      assert.deepEqual(got.scan, { fromSidecar: 4, parsed: 1 }, 'the sealed torn line is the only one parsed');
      const reference = fullScan(home);
      assert.deepEqual(got.rows, reference.rows);
      assert.equal(got.bytes, reference.bytes);
    } finally {
      index.close();
    }
  }));

test('a deleted sidecar means a full scan; a corrupted or shifted entry only its own line', () =>
  withHome((home) => {
    const store = RunStore.create(home, config());
    writeRun(store, [0, 1, 2, 3, 4, 5, 6, 7], 1);
    store.close();
    const sidecar = readFileSync(store.sidecarPath, 'utf8').split('\n');
    // Line 2 of the sidecar (first episode entry): garbage; line 4: well formed but one byte short.
    sidecar[2] = '[0, "not an entry"';
    const shifted = JSON.parse(sidecar[4]) as unknown[];
    shifted[1] = (shifted[1] as number) - 1;
    sidecar[4] = JSON.stringify(shifted);
    writeFileSync(store.sidecarPath, sidecar.join('\n'));
    const index = new ViewerIndex();
    try {
      const got = indexed(index, store);
      assert.deepEqual(got.scan, { fromSidecar: lineCount(store) - 2, parsed: 2 });
      assert.deepEqual(got.rows, fullScan(home).rows);
    } finally {
      index.close();
    }
    rmSync(store.sidecarPath);
    const again = new ViewerIndex();
    try {
      const got = indexed(again, store);
      assert.deepEqual(got.scan, { fromSidecar: 0, parsed: lineCount(store) });
      assert.deepEqual(got.rows, fullScan(home).rows);
    } finally {
      again.close();
    }
  }));

test('a sidecar of another format is ignored', () =>
  withHome((home) => {
    const store = RunStore.create(home, config());
    writeRun(store, [0, 1], 1);
    store.close();
    const text = readFileSync(store.sidecarPath, 'utf8');
    writeFileSync(store.sidecarPath, text.replace('"version":1', '"version":99'));
    const index = new ViewerIndex();
    try {
      const got = indexed(index, store);
      assert.deepEqual(got.scan, { fromSidecar: 0, parsed: lineCount(store) });
      assert.deepEqual(got.rows, fullScan(home).rows);
    } finally {
      index.close();
    }
  }));

test('incremental scans read the sidecar on from where they stopped, and keep an entry written ahead of the JSONL they saw', () =>
  withHome((home) => {
    const store = RunStore.create(home, config());
    writeRun(store, [0, 1, 2], 1);
    store.close();
    const index = new ViewerIndex();
    try {
      assert.equal(indexed(index, store).scan.fromSidecar, lineCount(store));
      const resumed = RunStore.open(home, RUN);
      writeRun(resumed, [3, 4], 1);
      resumed.close();
      // The viewer measures the JSONL just before the last line lands, but its sidecar entry is already there.
      const full = readFileSync(resumed.episodesPath);
      const lastStart = full.lastIndexOf(0x0a, full.length - 2) + 1;
      truncateSync(resumed.episodesPath, lastStart);
      let got = indexed(index, resumed);
      assert.deepEqual(got.scan, { fromSidecar: 3, parsed: 0 });
      appendFileSync(resumed.episodesPath, full.subarray(lastStart));
      got = indexed(index, resumed);
      assert.deepEqual(got.scan, { fromSidecar: 1, parsed: 0 }, 'the entry past the measured JSONL was kept for the next scan');
      assert.deepEqual(got.rows, fullScan(home).rows);
    } finally {
      index.close();
    }
  }));
