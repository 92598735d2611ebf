// Attack: the client picks the grader. A session's secrets name an "evil judge" (a loopback
// server that calls everything correct) as JUDGE_BASE_URL / OPENAI_BASE_URL with its own
// JUDGE_MODEL and key, then submits a non-answer. The server must never contact it, never let
// a client choose the judge's model, and use a client key only against the server's endpoint.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createGenomeQaEnvironment } from '../../src/envs/genome-qa/environment.js';
import type { OrsServer } from '../../src/ors/server/index.js';
import { standardFake } from '../envs/genome-qa/fake-assembly.js';
import { startMockOpenAI, type MockServer } from '../models/mock-openai.js';
import { callTool, create, secretsHeader, serve, startEvilJudge } from './ors-helpers.js';

// train/1 is a gc_content task: "no idea at all" is unreadable (malformed), "0.99" clearly wrong.
const TASK = { env_name: 'genome-qa', split: 'train', index: 1 };
const NON_ANSWER = { answer: { gc_content: 'no idea at all' }, explanation: 'x' };

let evil: Awaited<ReturnType<typeof startEvilJudge>>;
let judge: MockServer; // the server's own judge endpoint
let verdictCorrect = false;
const servers: OrsServer[] = [];

before(async () => {
  evil = await startEvilJudge();
  judge = await startMockOpenAI({ script: () => ({ kind: 'text', content: JSON.stringify({ correct: verdictCorrect, reason: 'mock' }) }), usage: { prompt_tokens: 1000, completion_tokens: 50 } });
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await evil.close();
  await judge.close();
});

async function genomeQa(judgeEndpoint: { model: string; baseURL: string; apiKey?: string } | null): Promise<string> {
  const env = createGenomeQaEnvironment({ assembly: standardFake(), trainSize: 20, testSize: 20, judge: judgeEndpoint });
  const { server, url } = await serve([env]);
  servers.push(server);
  return url;
}

const EVIL_SECRETS = () => ({
  JUDGE_BASE_URL: evil.url,
  OPENAI_BASE_URL: evil.url,
  JUDGE_MODEL: 'evil-model',
  JUDGE_API_KEY: 'sk-evil',
});

test('client-named judge settings without a key: the evil judge is never contacted and a non-answer earns 0', async () => {
  const url = await genomeQa({ model: 'server-judge', baseURL: judge.url }); // server endpoint, no server key
  const before = judge.requests.length;
  // secrets in the body, and again through the reference client's X-Secrets header
  for (const [body, headers] of [
    [{ ...TASK, secrets: EVIL_SECRETS() }, {}],
    [TASK, { 'x-secrets': secretsHeader(EVIL_SECRETS()) }],
  ] as const) {
    const { sid, status } = await create(url, body, headers);
    assert.equal(status, 200);
    const r = await callTool(url, 'genome-qa', sid, 'submit_answer', NON_ANSWER);
    assert.equal(r.result?.ok, true, JSON.stringify(r));
    assert.equal(r.result.output.reward, 0);
    assert.equal(r.result.output.metadata.verdict, 'malformed');
  }
  assert.equal(evil.connections(), 0, `evil judge contacted: ${evil.requests.join(', ')}`);
  assert.equal(judge.requests.length, before, 'JUDGE_API_KEY from a client is not a key the server uses');
});

test('a client openai_api_key is used only against the server endpoint, with the server model; verdict "judged" with tokens and cost', async () => {
  const url = await genomeQa({ model: 'gpt-4.1-mini', baseURL: judge.url });
  for (const keyName of ['openai_api_key', 'OPENAI_API_KEY']) {
    const before = judge.requests.length;
    verdictCorrect = false;
    const { sid } = await create(url, { ...TASK, secrets: { ...EVIL_SECRETS(), [keyName]: 'sk-client-lent' } });
    const r = await callTool(url, 'genome-qa', sid, 'submit_answer', NON_ANSWER);
    assert.equal(r.result?.ok, true, JSON.stringify(r));
    const out = r.result.output;
    assert.equal(out.metadata.verdict, 'judged');
    assert.equal(out.reward, 0);
    assert.deepEqual(out.metadata.judge_usage, { model: 'openai:gpt-4.1-mini', input_tokens: 1000, output_tokens: 50, cost_usd: (1000 * 0.4 + 50 * 1.6) / 1e6 });
    assert.equal(judge.requests.length, before + 1);
    assert.equal(judge.requests.at(-1)!.model, 'gpt-4.1-mini', 'the client cannot choose the judge model');
    assert.equal(judge.headers.at(-1)!.authorization, 'Bearer sk-client-lent');
  }
  assert.equal(evil.connections(), 0);
});

test('a clear programmatic "incorrect" is never sent to the judge, even a judge that would say correct', async () => {
  const url = await genomeQa({ model: 'server-judge', baseURL: judge.url, apiKey: 'sk-server' });
  verdictCorrect = true;
  const before = judge.requests.length;
  const { sid } = await create(url, TASK);
  const r = await callTool(url, 'genome-qa', sid, 'submit_answer', { answer: { gc_content: '0.99' }, explanation: 'guess' });
  assert.equal(r.result.output.metadata.verdict, 'incorrect');
  assert.equal(r.result.output.reward, 0);
  assert.equal(judge.requests.length, before);
});

test("the server's own key wins over a lent one; a server without a judge never calls one", async () => {
  const url = await genomeQa({ model: 'server-judge', baseURL: judge.url, apiKey: 'sk-server' });
  verdictCorrect = true;
  const { sid } = await create(url, { ...TASK, secrets: { openai_api_key: 'sk-client-lent' } });
  const r = await callTool(url, 'genome-qa', sid, 'submit_answer', NON_ANSWER);
  assert.equal(r.result.output.metadata.verdict, 'judged');
  assert.equal(judge.headers.at(-1)!.authorization, 'Bearer sk-server');

  const none = await genomeQa(null);
  const before = judge.requests.length;
  const s2 = await create(none, { ...TASK, secrets: { ...EVIL_SECRETS(), openai_api_key: 'sk-client-lent' } });
  const r2 = await callTool(none, 'genome-qa', s2.sid, 'submit_answer', NON_ANSWER);
  assert.equal(r2.result.output.metadata.verdict, 'malformed');
  assert.equal(judge.requests.length, before);
  assert.equal(evil.connections(), 0);
});
