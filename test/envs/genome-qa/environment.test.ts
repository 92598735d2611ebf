import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGenomeQaEnvironment } from '../../../src/envs/genome-qa/environment.js';
import { InProcessEpisode } from '../../../src/agents/genome-qa/episode.js';
import { toolSpec } from '../../../src/ors/environment.js';
import { standardFake } from './fake-assembly.js';

const env = createGenomeQaEnvironment({ assembly: standardFake(), pageChars: 1000 });

test('splits, sizes and specs without answers', async () => {
  assert.equal(env.name, 'genome-qa');
  assert.equal(await env.tasks.count('train'), 1000);
  assert.equal(await env.tasks.count('test'), 1000);
  await assert.rejects(async () => env.tasks.count('validation'), /Invalid split/);
  const spec = await env.tasks.get('train', 3);
  assert.deepEqual(Object.keys(spec).sort(), ['domain', 'id', 'index', 'question', 'split']);
  const key = await env.answerKey('train', 3);
  for (const v of Object.values(key.answer)) assert.ok(!JSON.stringify(spec).includes(`"${v}"`));
  const big = createGenomeQaEnvironment({ assembly: standardFake(), trainSize: 1_000_000 });
  assert.equal(await big.tasks.count('train'), 1_000_000);
  assert.equal((await big.tasks.get('train', 999_998)).index, 999_998);
});

test('tools: specs, web_search, paginated fetch_url, submit_answer ends the episode', async () => {
  assert.deepEqual(env.tools.map((t) => t.name), ['web_search', 'fetch_url', 'submit_answer']);
  assert.ok(toolSpec(env.tools[1]).input_schema);
  const spec = await env.tasks.get('train', 0);
  const ep = await InProcessEpisode.open(env, spec);
  const prompt = await ep.prompt();
  assert.ok(prompt.includes(String(spec.question)));
  const s = await ep.call('web_search', { query: 'ALPHA1' });
  assert.ok(s.ok && s.output.reward === 0 && (s.output.metadata!.results as unknown[]).length <= 5);
  const url = 'https://api.genome.ucsc.edu/getData/sequence?genome=fake;chrom=chrM;start=0;end=3000';
  const p1 = await ep.call('fetch_url', { url });
  assert.ok(p1.ok);
  const meta = p1.output.metadata!;
  assert.equal(meta.next_offset, 1000);
  assert.equal(p1.output.blocks[0].type === 'text' && p1.output.blocks[0].text.length, 1000);
  let body = '';
  for (let off: number | null = 0; off !== null; ) {
    const r = await ep.call('fetch_url', { url, offset: off });
    assert.ok(r.ok);
    body += r.output.blocks[0].type === 'text' ? r.output.blocks[0].text : '';
    off = r.output.metadata!.next_offset as number | null;
  }
  assert.equal(JSON.parse(body).dna.length, 3000);
  const past = await ep.call('fetch_url', { url, offset: 10_000_000 });
  assert.equal(past.ok, false);
  const key = await env.answerKey('train', 0);
  const sub = await ep.call('submit_answer', { answer: key.answer, explanation: 'x' });
  assert.ok(sub.ok && sub.output.finished && sub.output.reward === 1);
  const again = await ep.call('submit_answer', { answer: key.answer, explanation: 'x' });
  assert.equal(again.ok, false);
  assert.equal(ep.state.grade?.verdict, 'correct');
});

test('a wrong answer is told which field failed, never the expected value', async () => {
  const spec = await env.tasks.get('train', 2);
  const key = await env.answerKey('train', 2);
  const ep = await InProcessEpisode.open(env, spec);
  const r = await ep.call('submit_answer', { answer: { span_bp: '1' }, explanation: '' });
  assert.ok(r.ok);
  assert.equal(r.output.reward, 0);
  const visible = JSON.stringify(r.output);
  for (const v of Object.values(key.answer)) assert.ok(!visible.includes(v), `leaked ${v}`);
});

test('open rejects specs that do not match the generated task', async () => {
  const spec = await env.tasks.get('train', 5);
  await assert.rejects(InProcessEpisode.open(env, { ...spec, question: 'What is 2+2?' }), /does not match/);
  await assert.rejects(InProcessEpisode.open(env, { split: 'train', index: 5000 }), /Invalid index/);
  const byId = await InProcessEpisode.open(env, { id: spec.id });
  assert.equal(byId.state.task.index, 5);
});

test('export rows carry the answer, grading type, tolerance and source', async () => {
  const { exportRows } = await import('../../../src/envs/genome-qa/export.js');
  const rows = [];
  for await (const r of exportRows(env.generator, 'test', 0, 10)) rows.push(r);
  assert.equal(rows.length, 10);
  const gc = rows.find((r) => r.domain === 'gc_content')!;
  assert.equal(gc.grading_type, 'numeric');
  assert.equal(gc.tolerance, 0.002);
  assert.ok(/^\d\.\d{3}$/.test((gc.answer as Record<string, string>).gc_content));
  const seq = rows.find((r) => r.domain === 'reference_sequence')!;
  assert.equal(seq.grading_type, 'sequence');
  assert.equal(seq.tolerance, null);
  assert.ok((seq.source as Record<string, unknown>).chrom);
  for (const r of rows) assert.deepEqual(Object.keys(r), ['id', 'split', 'index', 'domain', 'kind', 'question', 'answer', 'grading_type', 'tolerance', 'fields', 'source']);
});
