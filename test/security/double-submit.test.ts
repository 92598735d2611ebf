// Attack: submit many answers at once, hoping more than one is graded (the best reward wins,
// or a wrong answer is followed by a right one). Ten concurrent submits on one session must
// give exactly one graded result in every environment; the others are told the episode is over.

import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { after, test } from 'node:test';
import { createCaseStudiesEnvironment } from '../../src/envs/case-studies/env.js';
import { arithmeticEnvironment } from '../../src/envs/example/arithmetic.js';
import { generateProblem } from '../../src/envs/example/problems.js';
import { createGenomeQaEnvironment } from '../../src/envs/genome-qa/environment.js';
import { arrayTasks, defineEnvironment, defineTool } from '../../src/ors/environment.js';
import type { OrsServer } from '../../src/ors/server/index.js';
import { SessionLock } from '../../src/ors/server/session-lock.js';
import { toolOutput } from '../../src/ors/types.js';
import { exampleLinear } from '../envs/case-studies/fixtures/example-linear.js';
import { standardFake } from '../envs/genome-qa/fake-assembly.js';
import { startMockOpenAI } from '../models/mock-openai.js';
import { callTool, create, serve } from './ors-helpers.js';

const servers: OrsServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function burst(url: string, env: string, sid: string, name: string, inputs: object[]) {
  const results = await Promise.all(inputs.map((input) => callTool(url, env, sid, name, input as never)));
  for (const r of results) assert.equal(r.fault, undefined, `environment fault: ${r.fault}`);
  const graded = results.filter((r) => r.result.ok);
  const refused = results.filter((r) => !r.result.ok);
  return { graded, refused };
}

test('genome-qa: 10 concurrent submits (one right among nine wrong, the slow judge path too) → exactly one graded', async () => {
  // A slow judge widens the window between "not yet finished" and "finished".
  const judge = await startMockOpenAI({ latencyMs: 150, script: () => ({ kind: 'text', content: '{"correct": true, "reason": "mock"}' }) });
  try {
    const env = createGenomeQaEnvironment({ assembly: standardFake(), trainSize: 20, testSize: 20, judge: { model: 'server-judge', baseURL: judge.url, apiKey: 'sk-server' } });
    const { server, url } = await serve([env]);
    servers.push(server);
    const key = await env.answerKey('train', 1);
    const right = { answer: key.answer, explanation: 'computed' };
    const wrong = { answer: { gc_content: '0.99' }, explanation: 'guess' };

    const a = await create(url, { env_name: 'genome-qa', split: 'train', index: 1 });
    const { graded, refused } = await burst(url, 'genome-qa', a.sid, 'submit_answer', [wrong, ...Array(8).fill(wrong), right]);
    assert.equal(graded.length, 1);
    assert.equal(refused.length, 9);
    assert.equal(graded[0].result.output.reward, 0, 'the first submit (wrong) is the one graded');
    for (const r of refused) assert.match(r.result.error, /already submitted/);

    // Non-answers go to the (slow) judge: it must be asked once, not ten times.
    const b = await create(url, { env_name: 'genome-qa', split: 'train', index: 1 });
    const slow = await burst(url, 'genome-qa', b.sid, 'submit_answer', Array(10).fill({ answer: { gc_content: 'no idea' }, explanation: 'x' }));
    assert.equal(slow.graded.length, 1);
    assert.equal(judge.requests.length, 1);
  } finally {
    await judge.close();
  }
});

test('arithmetic: 10 concurrent answers → exactly one graded (also with a slow tool)', async () => {
  for (const toolDelayMs of [0, 100]) {
    const { server, url } = await serve([arithmeticEnvironment({ toolDelayMs })]);
    servers.push(server);
    const { sid } = await create(url, { env_name: 'arithmetic', split: 'test', index: 3 });
    const truth = generateProblem(2026, 'test', 3).answer;
    const { graded, refused } = await burst(url, 'arithmetic', sid, 'answer', [{ answer: String(truth + 1) }, ...Array(9).fill({ answer: String(truth) })]);
    assert.equal(graded.length, 1, `delay ${toolDelayMs}`);
    assert.equal(refused.length, 9);
  }
});

test('case-studies: 10 concurrent submit_answer → exactly one graded', async () => {
  const env = createCaseStudiesEnvironment({ cases: [exampleLinear], sandbox: 'none', perCase: { train: 5, test: 5 } });
  const { server, url } = await serve([env]);
  servers.push(server);
  const spec = await env.tasks.get('train', 0);
  const { sid } = await create(url, { env_name: 'case-studies', task_spec: spec });
  const response = JSON.stringify({ answer: { slope: 1, n_used: 10 }, reasoning: 'fit a line' });
  const { graded, refused } = await burst(url, 'case-studies', sid, 'submit_answer', Array(10).fill({ response }));
  assert.equal(graded.length, 1);
  assert.equal(refused.length, 9);
});

test('the server serialises an exclusive tool after running calls, while other calls stay concurrent', async () => {
  // A tool whose state change spans an await (the genome-qa bug) is still graded once, because
  // the server runs exclusive calls alone on their session.
  const order: string[] = [];
  const state = { graded: 0 };
  let releaseReads!: () => void;
  const readsMayEnd = new Promise<void>((r) => (releaseReads = r));
  let bothStarted!: () => void;
  const readsStarted = new Promise<void>((r) => (bothStarted = r));
  const env = defineEnvironment({
    name: 'locks',
    splits: [{ name: 'train', type: 'train' }],
    tasks: arrayTasks({ train: [{ id: 't0' }] }),
    tools: [
      defineTool({
        name: 'read',
        description: 'a concurrent read',
        input: Type.Object({ tag: Type.String() }),
        async run({ tag }) {
          order.push(`start ${tag}`);
          if (order.filter((o) => o.startsWith('start')).length === 2) bothStarted();
          await readsMayEnd;
          order.push(`end ${tag}`);
          return toolOutput({ text: tag });
        },
      }),
      defineTool({
        name: 'careless_submit',
        description: 'checks, awaits, then marks: racy unless serialised',
        input: null,
        exclusive: true,
        async run(_input, st: { done: boolean }) {
          if (st.done) return toolOutput({ text: 'already', reward: 0 });
          order.push('submit');
          await new Promise((r) => setTimeout(r, 20));
          st.done = true;
          state.graded++;
          return toolOutput({ text: 'graded', reward: 1, finished: true });
        },
      }),
    ],
    open: () => ({ state: { done: false }, prompt: () => [] }),
  });
  const { server, url } = await serve([env]);
  servers.push(server);
  const { sid } = await create(url, { env_name: 'locks', split: 'train', index: 0 });
  // Both reads run at once (neither can end before the other has started).
  const reads = [callTool(url, 'locks', sid, 'read', { tag: 'a' }), callTool(url, 'locks', sid, 'read', { tag: 'b' })];
  await readsStarted;
  const submits = Array.from({ length: 10 }, () => callTool(url, 'locks', sid, 'careless_submit', {}));
  // Give the submits time to arrive while the reads hold the session (if they arrive later the
  // order check below passes trivially; it can never fail for slowness).
  await new Promise((r) => setTimeout(r, 100));
  releaseReads();
  await Promise.all([...reads, ...submits]);
  assert.equal(state.graded, 1);
  assert.ok(order.indexOf('submit') > order.indexOf('end a') && order.indexOf('submit') > order.indexOf('end b'), order.join(', '));
});

test('SessionLock: shared holders together, exclusive alone, in arrival order', async () => {
  const lock = new SessionLock();
  const log: string[] = [];
  assert.equal(lock.acquire(false), null);
  assert.equal(lock.acquire(false), null);
  const x = lock.acquire(true)!.then(() => log.push('x'));
  const s = lock.acquire(false)!.then(() => log.push('s'));
  assert.equal(lock.waiting, 2);
  lock.release(false);
  await Promise.resolve();
  assert.deepEqual(log, []);
  lock.release(false);
  await x;
  assert.deepEqual(log, ['x'], 'a later shared call waits behind the exclusive one');
  lock.release(true);
  await s;
  assert.deepEqual(log, ['x', 's']);
  lock.release(false);
  assert.equal(lock.acquire(true), null);
});
