// --env-opt for genome-qa: unknown keys and bad values are errors that list the valid settings,
// raised before any assembly is opened or built.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkGenomeQaSettings, loadGenomeQa } from '../../../src/envs/genome-qa/entry.js';

const home = '/nonexistent/genegym-home-never-built';

test('unknown keys are refused with the list of valid ones', async () => {
  await assert.rejects(loadGenomeQa({ home, settings: { assembly: 'hg38' } }), /unknown --env-opt "assembly" \(choose the assembly with --assembly\); valid settings: seed .*train_size.*test_size.*domains.*live_fetch/);
  await assert.rejects(loadGenomeQa({ home, settings: { sead: '7' } }), /unknown --env-opt "sead"; valid settings/);
});

test('bad values are refused, naming what the setting takes', async () => {
  for (const [k, v] of [['seed', '-1'], ['seed', 'abc'], ['train_size', '0'], ['test_size', '1e3'], ['train_size', '99999999999999999999'], ['live_fetch', 'yes']]) {
    await assert.rejects(loadGenomeQa({ home, settings: { [k]: v } }), new RegExp(`${k} must be .*got ${JSON.stringify(JSON.stringify(v)).slice(1, -1)}`), `${k}=${v}`);
  }
  await assert.rejects(loadGenomeQa({ home, settings: { domains: 'gc_content,nope' } }), /unknown domain nope \(known: reference_sequence/);
  await assert.rejects(loadGenomeQa({ home, settings: { domains: ' , ' } }), /domains is empty/);
});

test('valid settings pass the check', () => {
  checkGenomeQaSettings({ seed: '7', train_size: '5000', test_size: '10', domains: 'gc_content', live_fetch: 'true' });
  checkGenomeQaSettings({});
});
