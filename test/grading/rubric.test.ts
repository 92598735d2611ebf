import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeRubric, parseJudgeReply, parseRubric, precheckRubric, RED_FLAG_CAP } from '../../src/grading/rubric.js';

const rubric = parseRubric({
  items: [
    { id: 'harmonise', weight: 2, description: 'Harmonises alleles and drops palindromes', patterns: ['harmoni[sz]', 'palindrom'] },
    { id: 'gls', weight: 1, description: 'LD-aware GLS', patterns: ['\\bGLS\\b|generali[sz]ed least squares'] },
  ],
  red_flags: [{ id: 'univariable', description: 'Univariable MR as the final answer', patterns: ['univariable (MR )?estimate (is|as) (the )?final'] }],
});

test('parseRubric validates shape, weights, duplicate ids and regexes', () => {
  assert.throws(() => parseRubric({}), /non-empty/);
  assert.throws(() => parseRubric({ items: [{ id: 'a', description: 'd', weight: 0 }] }), /positive weight/);
  assert.throws(() => parseRubric({ items: [{ id: 'a', description: 'd', weight: 1 }, { id: 'a', description: 'd', weight: 1 }] }), /duplicate/);
  assert.throws(() => parseRubric({ items: [{ id: 'a', description: 'd', weight: 1, patterns: ['('] }] }), /bad pattern/);
});

test('regex pre-check gives partial credit and red flags cap the score', () => {
  const full = precheckRubric(rubric, 'I harmonised alleles, removed palindromic SNPs and fit a GLS with the LD matrix.');
  assert.equal(full.score, 1);
  const half = precheckRubric(rubric, 'Alleles were harmonized. Then I fit GLS.');
  assert.ok(Math.abs(half.score! - (2 * 0.5 + 1) / 3) < 1e-12);
  const flagged = precheckRubric(rubric, 'Harmonised, palindromes dropped, GLS fit, but the univariable estimate is the final answer.');
  assert.deepEqual(flagged.redFlags, ['univariable']);
  assert.equal(flagged.score, RED_FLAG_CAP);
  assert.equal(precheckRubric(rubric, '').score, 0);
});

const fakeClient = (content: string | Error) => ({
  chat: {
    completions: {
      create: async () => {
        if (content instanceof Error) throw content;
        return { choices: [{ message: { content } }] };
      },
    },
  },
}) as any;
const cfg = { model: 'judge-model', apiKey: 'test' };

test('judge scores are parsed; unparsable or incomplete replies are unscored, not zero', async () => {
  const ok = await judgeRubric(rubric, { prompt: 'p', reasoning: 'r' }, cfg, fakeClient(JSON.stringify({ items: [{ item: 'harmonise', score: 2, quote: 'q' }, { item: 'gls', score: 1, quote: '' }], red_flags: [] })));
  assert.equal(ok.status, 'scored');
  assert.ok(Math.abs(ok.score! - (2 * 1 + 0.5) / 3) < 1e-12);
  const flagged = await judgeRubric(rubric, { prompt: 'p', reasoning: 'r' }, cfg, fakeClient(JSON.stringify({ items: [{ item: 'harmonise', score: 2 }, { item: 'gls', score: 2 }], red_flags: ['univariable', 'unknown'] })));
  assert.equal(flagged.score, RED_FLAG_CAP);
  for (const bad of ['I think it is good', JSON.stringify({ items: [{ item: 'harmonise', score: 2 }] }), JSON.stringify({ items: [{ item: 'harmonise', score: 3 }, { item: 'gls', score: 1 }] })]) {
    const r = await judgeRubric(rubric, { prompt: 'p', reasoning: 'r' }, cfg, fakeClient(bad));
    assert.equal(r.status, 'unscored');
    assert.equal(r.score, null);
    assert.ok(r.error);
  }
  const down = await judgeRubric(rubric, { prompt: 'p', reasoning: 'r' }, cfg, fakeClient(new Error('ECONNREFUSED')));
  assert.equal(down.status, 'unscored');
  assert.match(down.error!, /ECONNREFUSED/);
  assert.equal(typeof parseJudgeReply('```json\n{"items": []}\n```', rubric), 'string');
});
