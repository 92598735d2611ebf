// The LLM-judge fallback against a loopback mock of the OpenAI chat completions API.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { gradeWithFallback, judgeConfigFrom, type JudgeConfig } from '../../src/grading/judge.js';
import type { AnswerKey } from '../../src/grading/match.js';

let server: Server;
let base = '';
let reply: (body: any) => { status: number; content: string } = () => ({ status: 200, content: '{"correct": true, "reason": "same value"}' });
const seen: any[] = [];

before(async () => {
  server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const body = JSON.parse(data || '{}');
      seen.push({ url: req.url, auth: req.headers.authorization, body });
      const r = reply(body);
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(
        r.status === 200
          ? JSON.stringify({ id: 'x', object: 'chat.completion', created: 0, model: body.model, choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: r.content } }] })
          : JSON.stringify({ error: { message: 'boom' } }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const key: AnswerKey = { answer: { span_bp: '7518' }, fields: [{ key: 'span_bp', type: 'exact' }] };
const cfg = (): JudgeConfig => ({ model: 'mock-judge', apiKey: 'sk-test', baseURL: base, timeoutMs: 5000 });

test('a readable answer never reaches the judge', async () => {
  const n = seen.length;
  const r = await gradeWithFallback({ question: 'q', key, submitted: { span_bp: '7,518' } }, cfg());
  assert.equal(r.verdict, 'correct');
  assert.equal(seen.length, n);
});

test('an unreadable answer is judged and recorded as "judged"', async () => {
  reply = () => ({ status: 200, content: 'Verdict: {"correct": true, "reason": "seven thousand five hundred eighteen = 7518"}' });
  const r = await gradeWithFallback({ question: 'How long is MYC?', key, submitted: { span_bp: 'seven thousand five hundred eighteen' } }, cfg());
  assert.equal(r.verdict, 'judged');
  assert.equal(r.reward, 1);
  const last = seen[seen.length - 1];
  assert.equal(last.auth, 'Bearer sk-test');
  assert.equal(last.body.model, 'mock-judge');
  assert.match(JSON.stringify(last.body.messages), /7518/, 'the judge sees the reference answer');
  reply = () => ({ status: 200, content: '{"correct": false, "reason": "different number"}' });
  const wrong = await gradeWithFallback({ question: 'q', key, submitted: { span_bp: 'seven thousand' } }, cfg());
  assert.equal(wrong.verdict, 'judged');
  assert.equal(wrong.reward, 0);
});

test('judge failures are "ungraded" with reward 0, never a guess', async () => {
  reply = () => ({ status: 200, content: 'I think it is right' });
  const noVerdict = await gradeWithFallback({ question: 'q', key, submitted: { span_bp: 'seven thousand five hundred eighteen' } }, cfg());
  assert.equal(noVerdict.verdict, 'ungraded');
  assert.equal(noVerdict.reward, 0);
  reply = () => ({ status: 400, content: '' });
  const http = await gradeWithFallback({ question: 'q', key, submitted: { span_bp: 'seven thousand five hundred eighteen' } }, cfg());
  assert.equal(http.verdict, 'ungraded');
  const down = await gradeWithFallback({ question: 'q', key, submitted: { span_bp: 'n/a words' } }, { ...cfg(), baseURL: 'http://127.0.0.1:1/v1' });
  assert.equal(down.verdict, 'ungraded');
  assert.match(down.reason, /judge failed/);
});

test('without a judge a malformed answer stays malformed; config comes from secrets', async () => {
  const r = await gradeWithFallback({ question: 'q', key, submitted: { span_bp: 'seven thousand' } }, null);
  assert.equal(r.verdict, 'malformed');
  assert.equal(judgeConfigFrom({ OPENAI_API_KEY: 'k' }), null, 'no model, no judge');
  assert.deepEqual(judgeConfigFrom({ JUDGE_MODEL: 'm', OPENAI_API_KEY: 'k', JUDGE_BASE_URL: 'http://x/v1' }), { model: 'm', apiKey: 'k', baseURL: 'http://x/v1' });
});
