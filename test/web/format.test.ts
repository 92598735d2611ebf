import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readableInput } from '../../src/web/app/src/format.js';

test('transcripts show a JSON string argument (a case-study response) as JSON, not as escaped quotes', () => {
  const response = JSON.stringify({ answer: { theta: 0.12 }, reasoning: 'IVW with LD' });
  assert.equal(readableInput({ response }), JSON.stringify({ response: { answer: { theta: 0.12 }, reasoning: 'IVW with LD' } }, null, 2));
  assert.equal(readableInput({ response: '{not json' }), JSON.stringify({ response: '{not json' }, null, 2), 'a string that only looks like JSON stays a string');
  assert.equal(readableInput({ url: 'https://x', offset: 3 }), JSON.stringify({ url: 'https://x', offset: 3 }, null, 2));
  assert.equal(readableInput('raw arguments'), 'raw arguments');
});
