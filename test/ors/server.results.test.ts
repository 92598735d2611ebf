// The replay store behind resume-by-task_id: waiting, expiry, and its memory bounds.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallResultStore } from '../../src/ors/server/call-results.js';

test('a running call is waited for; a finished one is replayed until it expires', async () => {
  const store = new CallResultStore(60_000);
  store.start('a');
  const waiting = store.wait('a', 0)!;
  store.finish('a', { events: 'E' }, 1000);
  assert.deepEqual(await waiting, { events: 'E' });
  assert.deepEqual(await store.wait('a', 60_999), { events: 'E' });
  assert.equal(store.wait('a', 61_000), undefined);
  assert.equal(store.wait('never', 0), undefined);
  store.sweep(61_000);
  assert.equal(store.size, 0);
});

test('running calls never expire; finished ones are bounded in count and size', () => {
  const store = new CallResultStore(60_000, 3, 10);
  store.start('running');
  for (const id of ['a', 'b', 'c', 'd']) {
    store.start(id);
    store.finish(id, { events: 'xx' }, 0);
  }
  assert.equal(store.has('a', 0), false, 'oldest finished dropped beyond 3');
  assert.ok(store.has('d', 0) && store.has('running', 10 ** 12));
  store.start('big');
  store.finish('big', { events: 'x'.repeat(8) }, 0);
  assert.equal(store.has('big', 0), true, 'the newest result is always kept');
  assert.equal(store.has('b', 0) || store.has('c', 0), false, 'older results make room by size');
  store.sweep(10 ** 12);
  assert.deepEqual([store.has('running', 10 ** 12), store.size], [true, 1]);
});
