// The built-in `arithmetic` example environment: deterministic generated tasks, answers kept
// server-side, calculator and answer tools, and a full episode over ORS.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arithmeticEnvironment, parseAnswer } from '../../../src/envs/example/arithmetic.js';
import { evaluate, formatNumber } from '../../../src/envs/example/calculator.js';
import { generateProblem } from '../../../src/envs/example/problems.js';
import { buildServer } from '../../../src/ors/server/index.js';
import { ToolError } from '../../../src/ors/environment.js';

/** Solves a generated question by reading its sentences, independently of the generator. */
function solve(question: string): number {
  let v = Number(/starts the week with (\d+)/.exec(question)![1]);
  for (const s of question.split('. ').slice(1)) {
    let m: RegExpExecArray | null;
    if ((m = /receives (\d+) more/.exec(s))) v += Number(m[1]);
    else if ((m = /^Then it \w+(?: \w+)? (\d+) of its/.exec(s))) v -= Number(m[1]);
    else if ((m = /(\d+) \w+s arrive, each holding (\d+)/.exec(s))) v += Number(m[1]) * Number(m[2]);
    else if (/doubles/.test(s)) v *= 2;
    else if (/triples/.test(s)) v *= 3;
    else if ((m = /equally among (\d+) teams/.exec(s))) v /= Number(m[1]);
  }
  return v;
}

test('problems are deterministic, varied, and their answers check out', () => {
  assert.deepEqual(generateProblem(7, 'train', 5), generateProblem(7, 'train', 5));
  assert.notEqual(generateProblem(7, 'train', 5).question, generateProblem(8, 'train', 5).question);
  assert.notEqual(generateProblem(7, 'train', 5).question, generateProblem(7, 'test', 5).question);
  const questions = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const p = generateProblem(2026, 'validation', i);
    questions.add(p.question);
    assert.ok(Number.isInteger(p.answer) && p.answer >= 0, `answer ${p.answer}`);
    assert.ok(p.steps >= 2 && p.steps <= 5);
    assert.equal(solve(p.question), p.answer, p.question);
  }
  assert.ok(questions.size > 1990);
});

test('splits are index-addressed at any size without materialising them', async () => {
  const env = arithmeticEnvironment({ sizes: { train: 10_000_000 } });
  assert.equal(await env.tasks.count('train'), 10_000_000);
  const last = await env.tasks.get('train', 9_999_999);
  assert.deepEqual(Object.keys(last).sort(), ['id', 'index', 'question', 'split']);
  assert.throws(() => env.tasks.count('dev'), /Invalid split/);
  assert.throws(() => arithmeticEnvironment({ sizes: { test: -1 } }), /non-negative/);
});

test('calculator: arithmetic, precedence, errors', () => {
  assert.equal(evaluate('(48 + 24) * 3'), 216);
  assert.equal(evaluate('2 + 3 * 4 - -1'), 15);
  assert.equal(evaluate('1,000 / 8'), 125);
  assert.equal(formatNumber(evaluate('10 / 4')), '2.5');
  assert.equal(formatNumber(evaluate('1 / 3')), '0.333333333333');
  assert.throws(() => evaluate('2 +'), /unexpected end/);
  assert.throws(() => evaluate('1 / 0'), /division by zero/);
  assert.throws(() => evaluate('process.exit()'), /unexpected/);
});

test('parseAnswer reads numbers only', () => {
  assert.equal(parseAnswer(' 1,234 '), 1234);
  assert.equal(parseAnswer('72.0'), 72);
  assert.equal(parseAnswer(72), 72);
  assert.equal(parseAnswer('seventy-two'), undefined);
  assert.equal(parseAnswer('72 clips'), undefined);
});

test('an episode: answer key stays server-side, one answer counts, bad specs fail setup', async () => {
  const env = arithmeticEnvironment();
  const spec = await env.tasks.get('test', 3);
  const truth = generateProblem(2026, 'test', 3).answer;
  assert.ok(!JSON.stringify(spec).includes(`"answer"`));
  const ctx = { secrets: {}, sessionId: 's', signal: new AbortController().signal };
  const episode = await env.open({ task: spec, ...ctx });
  const prompt = await episode.prompt();
  assert.match((prompt[0] as any).text, /How many/);
  assert.ok(!(prompt[0] as any).text.includes(`answer is ${truth}`));
  const answer = env.tools.find((t) => t.name === 'answer')!;
  const calc = env.tools.find((t) => t.name === 'calculator')!;
  assert.equal(((await calc.run({ expression: '6*7' }, episode.state, ctx)).blocks[0] as any).text, '42');
  await assert.rejects(async () => calc.run({ expression: '6*' }, episode.state, ctx), ToolError);
  await assert.rejects(async () => answer.run({ answer: 'many' }, episode.state, ctx), ToolError);
  const out = await answer.run({ answer: String(truth) }, episode.state, ctx);
  assert.equal(out.reward, 1);
  assert.equal(out.finished, true);
  await assert.rejects(async () => answer.run({ answer: String(truth) }, episode.state, ctx), /already submitted/);

  const wrong = await env.open({ task: spec, ...ctx });
  assert.equal((await answer.run({ answer: truth + 1 }, wrong.state, ctx)).reward, 0);

  await assert.rejects(async () => env.open({ task: { ...spec, question: 'What is 1+1?' }, ...ctx }), /does not match/);
  await assert.rejects(async () => env.open({ task: { split: 'test', index: 5000 }, ...ctx }), /outside split/);
  await assert.rejects(async () => env.open({ task: { id: 'x' }, ...ctx }), /needs "split"/);
});

test('served over ORS: /tasks refuses the 100k train split, the index API works, an episode scores', async () => {
  const server = await buildServer({ environments: [arithmeticEnvironment()] });
  try {
    const url = await server.listen({ port: 0 });
    const json = (path: string, body?: object, headers: Record<string, string> = {}) =>
      fetch(url + path, {
        method: body ? 'POST' : 'GET',
        headers: { 'content-type': 'application/json', ...headers },
        body: body && JSON.stringify(body),
      });
    const listed = await json('/arithmetic/tasks', { split: 'train' });
    assert.equal(listed.status, 400);
    assert.match(((await listed.json()) as any).detail, /index-based API/);
    assert.equal(((await (await json('/arithmetic/tasks', { split: 'test' })).json()) as any).tasks.length, 1000);
    assert.deepEqual(await (await json('/arithmetic/num_tasks', { split: 'train' })).json(), { num_tasks: 100_000 });
    const sid = crypto.randomUUID();
    assert.equal((await json('/create', { split: 'validation', index: 42 }, { 'x-session-id': sid })).status, 200);
    const truth = generateProblem(2026, 'validation', 42).answer;
    const res = await json('/arithmetic/call', { name: 'answer', input: { answer: truth } }, { 'x-session-id': sid });
    const text = await res.text();
    const end = /event: end\r\ndata: (.*)\r\n/.exec(text)![1];
    assert.equal(JSON.parse(end).output.reward, 1);
  } finally {
    await server.close();
  }
});
