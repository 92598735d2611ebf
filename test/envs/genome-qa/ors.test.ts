// genome-qa over the ORS HTTP surface (fastify inject, no sockets): discovery, task listing
// without answers, a session that submits the right answer and gets reward 1.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildServer } from '../../../src/ors/server/index.js';
import { createGenomeQaEnvironment } from '../../../src/envs/genome-qa/environment.js';
import { standardFake } from './fake-assembly.js';

function sseData(body: string): string {
  const out: string[] = [];
  for (const block of body.split(/\r?\n\r?\n/)) {
    const lines = block.split(/\r?\n/);
    const ev = lines.find((l) => l.startsWith('event:'))?.slice(6).trim();
    if (ev === 'chunk' || ev === 'end') out.push(lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n'));
  }
  return out.join('');
}

test('served over ORS: tools, tasks without answers, a rewarded submission', async () => {
  const env = createGenomeQaEnvironment({ assembly: standardFake(), trainSize: 20, testSize: 20 });
  const server = await buildServer({ environments: [env] });
  try {
    const app = server.app;
    const tools = (await app.inject({ method: 'GET', url: '/genome-qa/tools' })).json();
    assert.deepEqual(tools.tools.map((t: { name: string }) => t.name).sort(), ['fetch_url', 'submit_answer', 'web_search']);
    const list = (await app.inject({ method: 'POST', url: '/genome-qa/tasks', payload: { split: 'train' } })).json();
    assert.equal(list.tasks.length, 20);
    const key = await env.answerKey('train', 7);
    assert.ok(!JSON.stringify(list).includes(JSON.stringify(key.answer)));
    const sid = 'gqa-session-1';
    const created = await app.inject({ method: 'POST', url: '/create', headers: { 'x-session-id': sid }, payload: { env_name: 'genome-qa', split: 'train', index: 7 } });
    assert.equal(created.statusCode, 200, created.body);
    let prompt: { text: string }[] = [];
    for (let i = 0; i < 50; i++) {
      const r = await app.inject({ method: 'GET', url: '/genome-qa/prompt', headers: { 'x-session-id': sid } });
      if (r.statusCode === 200) {
        prompt = r.json();
        break;
      }
      await new Promise((res) => setTimeout(res, 20));
    }
    assert.ok(prompt[0].text.includes(key.question));
    const call = await app.inject({ method: 'POST', url: '/genome-qa/call', headers: { 'x-session-id': sid }, payload: { name: 'submit_answer', input: { answer: key.answer, explanation: 'test' } } });
    const payload = JSON.parse(sseData(call.body));
    assert.equal(payload.ok, true);
    assert.equal(payload.output.reward, 1);
    assert.equal(payload.output.finished, true);
    await app.inject({ method: 'POST', url: '/delete', headers: { 'x-session-id': sid } });
  } finally {
    await server.close();
  }
});

test('served over ORS: a length written in kb is read with its unit, the same digits in Mb are wrong', async () => {
  const env = createGenomeQaEnvironment({ assembly: standardFake(), trainSize: 40, testSize: 40 });
  const server = await buildServer({ environments: [env] });
  try {
    const app = server.app;
    let index = -1;
    for (let i = 0; i < 40 && index < 0; i++) {
      const t = await env.answerKey('train', i);
      if (t.fields.length === 1 && t.fields[0].unit === 'bp' && Number(t.answer[t.fields[0].key]) >= 1000) index = i;
    }
    assert.ok(index >= 0, 'a single-field bp task among the first 40');
    const key = await env.answerKey('train', index);
    const field = key.fields[0].key;
    const bp = Number(key.answer[field]);
    const submit = async (sid: string, answer: string) => {
      const created = await app.inject({ method: 'POST', url: '/create', headers: { 'x-session-id': sid }, payload: { env_name: 'genome-qa', split: 'train', index } });
      assert.equal(created.statusCode, 200, created.body);
      for (let i = 0; i < 50; i++) {
        if ((await app.inject({ method: 'GET', url: '/genome-qa/prompt', headers: { 'x-session-id': sid } })).statusCode === 200) break;
        await new Promise((res) => setTimeout(res, 20));
      }
      const call = await app.inject({ method: 'POST', url: '/genome-qa/call', headers: { 'x-session-id': sid }, payload: { name: 'submit_answer', input: { answer: { [field]: answer }, explanation: 'units' } } });
      await app.inject({ method: 'POST', url: '/delete', headers: { 'x-session-id': sid } });
      return JSON.parse(sseData(call.body)).output.reward as number;
    };
    assert.equal(await submit('units-kb', `${bp / 1000} kb`), 1);
    assert.equal(await submit('units-spaced', `${bp.toLocaleString('en-US').replace(/,/g, ' ')} bp`), 1);
    assert.equal(await submit('units-mb', `${bp} Mb`), 0);
  } finally {
    await server.close();
  }
});
