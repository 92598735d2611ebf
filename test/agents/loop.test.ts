import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Type } from '@sinclair/typebox';
import { findBuiltinAgent } from '../../src/agents/builtin.js';
import { InProcessDriver } from '../../src/agents/in-process.js';
import { runEpisode, type EpisodeResult } from '../../src/agents/loop.js';
import { ModelAgent, parseArguments } from '../../src/agents/model-agent.js';
import type { Agent } from '../../src/agents/types.js';
import { arithmeticEnvironment } from '../../src/envs/example/arithmetic.js';
import { ModelClient } from '../../src/models/client.js';
import { OpenAiTransport } from '../../src/models/openai.js';
import { arrayTasks, defineEnvironment, defineTool } from '../../src/ors/environment.js';
import { textBlock, toolOutput } from '../../src/ors/types.js';
import { classifyEpisode } from '../../src/runs/outcome.js';
import { solveArithmetic, startMockOpenAI, type MockOptions } from '../models/mock-openai.js';

const driver = new InProcessDriver(arithmeticEnvironment());

async function play(agent: Agent, index: number, limits = { maxTurns: 8 }, d = driver): Promise<EpisodeResult> {
  const task = await d.task('test', index);
  return runEpisode({ agent, driver: d, task, ctx: { env: d.env, split: 'test', taskIndex: index, taskId: String(task.id), epoch: 1, seed: 1 }, limits });
}

async function withModel(opts: MockOptions, fn: (agent: ModelAgent, mock: Awaited<ReturnType<typeof startMockOpenAI>>) => Promise<void>, timeoutMs = 2000) {
  const mock = await startMockOpenAI(opts);
  try {
    const model = new ModelClient(new OpenAiTransport({ model: 'mock', baseUrl: mock.url, apiKey: 'k', timeoutMs }), { retry: { retries: 1, baseMs: 1, maxMs: 2 } });
    await fn(new ModelAgent(model), mock);
  } finally {
    await mock.close();
  }
}

test('tool-call loop: prompt → calculator → answer, every step recorded', () =>
  withModel({}, async (agent, mock) => {
    for (const i of [0, 1, 2]) {
      const r = await play(agent, i);
      assert.equal(r.endReason, 'finished');
      assert.equal(r.reward, 1);
      assert.equal(classifyEpisode(r, 1).outcome, 'correct');
      assert.equal(r.turns, 2);
      assert.equal(r.toolCalls, 2);
      assert.deepEqual(r.usage, { inputTokens: 200, outputTokens: 40 });
      assert.deepEqual(r.transcript.map((e) => e.kind), ['prompt', 'agent', 'tool', 'agent', 'tool']);
    }
    // The second request carried the tool output back as a tool message.
    const second = mock.requests[1];
    assert.equal(second.messages.at(-1)?.role, 'tool');
    assert.equal(second.messages.at(-2)?.tool_calls?.[0].function.name, 'calculator');
  }));

test('malformed tool arguments are reported back to the model, which recovers', () =>
  withModel({ script: (b, n) => (n === 0 ? { kind: 'tool_calls', calls: [{ name: 'calculator', arguments: '{"expression": "1 +' }] } : solveArithmetic(b)) }, async (agent, mock) => {
    const r = await play(agent, 3);
    assert.equal(r.invalidCalls, 1);
    const firstTool = r.transcript.find((e) => e.kind === 'tool');
    assert.ok(firstTool && firstTool.kind === 'tool' && !firstTool.output.ok && /not valid JSON/.test(firstTool.output.error));
    assert.match(mock.requests[1].messages.at(-1)?.content ?? '', /^Error: Tool input validation error/);
    assert.equal(r.endReason, 'finished');
  }));

test('unknown tools and schema violations come back as ok:false, not crashes', () =>
  withModel(
    {
      script: (_b, n) =>
        n === 0
          ? { kind: 'tool_calls', calls: [{ name: 'rm_rf', arguments: '{}' }, { name: 'calculator', arguments: '{"expr": "1"}' }] }
          : { kind: 'tool_calls', calls: [{ name: 'answer', arguments: '{"answer": -5}' }] },
    },
    async (agent) => {
      const r = await play(agent, 4);
      const tools = r.transcript.filter((e) => e.kind === 'tool');
      assert.equal(tools.length, 3);
      assert.ok(tools[0].kind === 'tool' && !tools[0].output.ok && /not a valid tool/.test(tools[0].output.error));
      assert.ok(tools[1].kind === 'tool' && !tools[1].output.ok && /validation error/.test(tools[1].output.error));
      assert.equal(r.invalidCalls, 2);
      assert.equal(classifyEpisode(r, 1).outcome, 'wrong');
    },
  ));

test('a prose reply gets one reminder within the turn; a second one stops the agent', () =>
  withModel({ script: () => ({ kind: 'text', content: 'The answer is 42.' }) }, async (agent, mock) => {
    const r = await play(agent, 5);
    assert.equal(r.endReason, 'agent_stopped');
    assert.equal(r.turns, 1);
    assert.equal(mock.requests.length, 2);
    assert.match(mock.requests[1].messages.at(-1)?.content ?? '', /not finished/);
    const c = classifyEpisode(r, 1);
    assert.equal(c.outcome, 'wrong');
    assert.match(c.detail ?? '', /not finished \(agent_stopped\)/);
  }));

test('turn and token limits end the episode as wrong, not error', () =>
  withModel({ script: () => ({ kind: 'tool_calls', calls: [{ name: 'calculator', arguments: '{"expression":"1+1"}' }] }) }, async (agent) => {
    const r = await play(agent, 6, { maxTurns: 3 });
    assert.equal(r.endReason, 'turn_limit');
    assert.equal(r.turns, 3);
    assert.equal(classifyEpisode(r, 1).outcome, 'wrong');
    const t = await play(agent, 6, { maxTurns: 10, maxTokens: 250 } as never);
    assert.equal(t.endReason, 'token_limit');
    assert.equal(t.turns, 3); // 120 tokens per turn: stops once 250 is reached
  }));

test('a model that keeps failing ends the episode as an error, never as wrong', () =>
  withModel({ script: () => ({ kind: 'status', status: 503 }) }, async (agent) => {
    const r = await play(agent, 7);
    assert.equal(r.endReason, 'agent_error');
    assert.equal(classifyEpisode(r, 1).outcome, 'error');
    assert.match(r.error ?? '', /503/);
  }));

test('a hanging model hits the episode time limit', () =>
  withModel({ script: () => ({ kind: 'hang' }) }, async (agent) => {
    const r = await play(agent, 8, { maxTurns: 5, timeLimitMs: 200 } as never);
    assert.equal(r.endReason, 'time_limit');
    assert.equal(classifyEpisode(r, 1).outcome, 'wrong');
  }, 60_000));

test('an environment fault is an error; verdict metadata and ungraded are honoured', async () => {
  const env = defineEnvironment<{ n: number }>({
    name: 'faulty',
    splits: [{ name: 'test', type: 'test' }],
    tasks: arrayTasks({ test: [{ id: 'a', mode: 'crash' }, { id: 'b', mode: 'ungraded' }, { id: 'c', mode: 'verdict' }] }),
    tools: [
      defineTool({
        name: 'submit',
        description: 'submit',
        input: Type.Object({ mode: Type.String() }),
        run: ({ mode }) => {
          if (mode === 'crash') throw new Error('disk full');
          if (mode === 'ungraded') return toolOutput({ text: 'judge failed', reward: 0, finished: true, metadata: { verdict: 'ungraded' } });
          return toolOutput({ text: 'ok', reward: 0.5, finished: true, metadata: { verdict: 'correct', domain: 'gc_content' } });
        },
      }),
    ],
    open: ({ task }) => ({ state: { n: 0 }, prompt: () => [textBlock(String(task.mode))] }),
  });
  const d = new InProcessDriver(env);
  const agent: Agent = {
    name: 'echo',
    kind: 'scripted',
    start: (ctx) => ({ step: async (results) => (results.length ? { calls: [], text: null } : { calls: [{ id: '1', name: 'submit', input: { mode: String(ctx.task.mode) } }], text: null }) }),
  };
  const crash = await play(agent, 0, { maxTurns: 3 }, d);
  assert.equal(crash.endReason, 'env_error');
  assert.match(crash.error ?? '', /disk full/);
  assert.equal(classifyEpisode(crash, 1).outcome, 'error');
  assert.equal(classifyEpisode(await play(agent, 1, { maxTurns: 3 }, d), 1).outcome, 'ungraded');
  const v = classifyEpisode(await play(agent, 2, { maxTurns: 3 }, d), 1);
  assert.equal(v.outcome, 'correct');
  assert.equal(v.reward, 0.5);
});

test('built-in agents run through the same loop: oracle 100%, wrong 0%, give-up not finished', async () => {
  const oracle = await findBuiltinAgent('oracle', 'arithmetic');
  const wrong = await findBuiltinAgent('wrong', 'arithmetic');
  for (let i = 0; i < 25; i++) {
    assert.equal(classifyEpisode(await play(oracle, i, { maxTurns: 10 }), 1).outcome, 'correct', `oracle task ${i}`);
    assert.equal(classifyEpisode(await play(wrong, i), 1).outcome, 'wrong');
  }
  const g = await play(await findBuiltinAgent('give-up', 'arithmetic'), 0);
  assert.equal(g.endReason, 'agent_stopped');
  await assert.rejects(findBuiltinAgent('nope', 'arithmetic'), /available: give-up, oracle, wrong/);
});

test('argument parsing', () => {
  assert.deepEqual(parseArguments(''), { input: {} });
  assert.deepEqual(parseArguments('{"a":1}'), { input: { a: 1 } });
  assert.ok('error' in parseArguments('[1]'));
  assert.ok('error' in parseArguments('{oops'));
});

// A "vision" environment: the prompt holds an image, `look` returns one, `step` pays 0.1 per call, `submit` finishes with 1.
const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const visionEnv = defineEnvironment<Record<string, never>>({
  name: 'vision',
  splits: [{ name: 'test', type: 'test' }],
  tasks: arrayTasks({ test: [{ id: 'v0' }] }),
  tools: [
    defineTool({ name: 'look', description: 'see a picture', input: Type.Object({}), run: () => toolOutput({ blocks: [textBlock('here it is'), { type: 'image', data: PIXEL, mimeType: 'image/png', detail: null }] }) }),
    defineTool({ name: 'step', description: 'progress', input: Type.Object({}), run: () => toolOutput({ text: 'ok', reward: 0.1 }) }),
    defineTool({ name: 'submit', description: 'finish', input: Type.Object({}), run: () => toolOutput({ text: 'done', reward: 1, finished: true }) }),
  ],
  open: () => ({ state: {}, prompt: () => [textBlock('What is in the picture?'), { type: 'image', data: PIXEL, mimeType: 'image/png', detail: null }] }),
});

test('image blocks reach the model as image parts (prompt and tool output); per-step rewards are summed beside the finishing reward', () =>
  withModel(
    {
      script: (_b, n) => ({ kind: 'tool_calls', calls: [{ name: ['look', 'step', 'step', 'submit'][Math.min(n, 3)], arguments: '{}' }] }),
    },
    async (agent, mock) => {
      const d = new InProcessDriver(visionEnv);
      const r = await play(agent, 0, { maxTurns: 8 }, d);
      assert.equal(r.endReason, 'finished');
      assert.equal(r.reward, 1, 'the finishing reward scores');
      assert.ok(Math.abs(r.rewardSum! - 1.2) < 1e-12, `per-step rewards summed: ${r.rewardSum}`);
      const first = mock.requests[0].messages.find((m) => m.role === 'user') as unknown as { content: Array<{ type: string; image_url?: { url: string } }> };
      assert.ok(Array.isArray(first.content), 'the prompt with an image is a content array');
      assert.equal(first.content[1].image_url?.url, `data:image/png;base64,${PIXEL}`);
      // after `look`: the tool message carries text, then one user message carries the image
      const second = mock.requests[1].messages as unknown as Array<{ role: string; content: unknown }>;
      const toolAt = second.findIndex((m) => m.role === 'tool');
      assert.match(String(second[toolAt].content), /here it is/);
      const after = second[toolAt + 1] as { role: string; content: Array<{ type: string; text?: string; image_url?: { url: string } }> };
      assert.equal(after.role, 'user');
      assert.equal(after.content[0].text, 'Image(s) returned by look:');
      assert.equal(after.content[1].image_url?.url, `data:image/png;base64,${PIXEL}`);
    },
  ));
