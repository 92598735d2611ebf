import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toolOutput, splitOf } from '../../src/ors/types.js';

test('toolOutput always carries every key', () => {
  const out = toolOutput({ text: 'hi' });
  assert.deepEqual(out, { blocks: [{ text: 'hi', detail: null, type: 'text' }], metadata: null, reward: null, finished: false });
});

test('bare split names map to their type, unknown names to validation', () => {
  assert.deepEqual(splitOf('test'), { name: 'test', type: 'test' });
  assert.deepEqual(splitOf('dev'), { name: 'dev', type: 'validation' });
});
