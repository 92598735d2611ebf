import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { AnthropicTransport, toAnthropicBody } from '../../src/models/anthropic.js';
import { ModelClient } from '../../src/models/client.js';
import { ModelError } from '../../src/models/errors.js';
import type { ModelRequest } from '../../src/models/types.js';

const request: ModelRequest = {
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: 'add 2 and 3' },
    { role: 'assistant', content: 'calling', toolCalls: [{ id: 'toolu_1', name: 'calculator', arguments: '{"expression":"2+3"}' }, { id: 'toolu_2', name: 'calculator', arguments: '{"expression":"1"}' }] },
    { role: 'tool', toolCallId: 'toolu_1', name: 'calculator', content: '5' },
    { role: 'tool', toolCallId: 'toolu_2', name: 'calculator', content: '1' },
  ],
  tools: [{ name: 'calculator', description: 'calc', input_schema: null }],
};

test('messages convert to the Anthropic shape: system apart, tool results merged into one user turn', () => {
  const body = toAnthropicBody('claude-x', request, 1024) as { system: string; messages: Array<{ role: string; content: Array<Record<string, unknown>> }>; tools: Array<{ input_schema: unknown }>; max_tokens: number };
  assert.equal(body.system, 'be brief');
  assert.equal(body.max_tokens, 1024);
  assert.deepEqual(body.messages.map((m) => m.role), ['user', 'assistant', 'user']);
  assert.deepEqual(body.messages[1].content[1], { type: 'tool_use', id: 'toolu_1', name: 'calculator', input: { expression: '2+3' } });
  assert.deepEqual(body.messages[2].content.map((b) => b.tool_use_id), ['toolu_1', 'toolu_2']);
  assert.deepEqual(body.tools[0].input_schema, { type: 'object', properties: {} });
});

test('Anthropic transport over fetch: tool_use parsed, usage counted, 529 retried, key sent only as header', async () => {
  let n = 0;
  const seen: Array<{ key: string | undefined; version: string | undefined }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ key: req.headers['x-api-key'] as string | undefined, version: req.headers['anthropic-version'] as string | undefined });
      if (n++ === 0) {
        res.writeHead(529, { 'content-type': 'application/json' }).end('{"type":"error","error":{"type":"overloaded_error"}}');
        return;
      }
      assert.equal(JSON.parse(body).model, 'claude-x');
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          content: [{ type: 'text', text: 'sum is' }, { type: 'tool_use', id: 'toolu_9', name: 'answer', input: { answer: '5' } }],
          stop_reason: 'tool_use',
          usage: { input_tokens: 30, output_tokens: 7 },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const model = new ModelClient(new AnthropicTransport({ model: 'claude-x', baseUrl: url, apiKey: 'sk-ant-test-000000' }), { retry: { retries: 2, baseMs: 1, maxMs: 2 } });
    const res = await model.generate(request);
    assert.equal(res.attempts, 2);
    assert.equal(res.stopReason, 'tool_calls');
    assert.equal(res.message.content, 'sum is');
    assert.deepEqual(res.message.toolCalls, [{ id: 'toolu_9', name: 'answer', arguments: '{"answer":"5"}' }]);
    assert.deepEqual(res.usage, { inputTokens: 30, outputTokens: 7 });
    assert.deepEqual(seen[1], { key: 'sk-ant-test-000000', version: '2023-06-01' });
    const bad = new ModelClient(new AnthropicTransport({ model: 'claude-x', baseUrl: 'http://127.0.0.1:1', apiKey: 'k' }), { retry: { retries: 1, baseMs: 1, maxMs: 2 } });
    await assert.rejects(bad.generate(request), (e: unknown) => e instanceof ModelError && e.kind === 'connection');
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('images go to Anthropic as image blocks: in the user prompt and inside tool_result content', () => {
  const data = 'aGVsbG8=';
  const body = toAnthropicBody(
    'claude-x',
    {
      messages: [
        { role: 'user', content: 'look', images: [{ mimeType: 'image/png', data }] },
        { role: 'assistant', content: null, toolCalls: [{ id: 't1', name: 'see', arguments: '{}' }] },
        { role: 'tool', toolCallId: 't1', name: 'see', content: 'a picture', images: [{ mimeType: 'image/jpeg', data }] },
      ],
      tools: [],
    },
    100,
  ) as { messages: Array<{ role: string; content: Array<Record<string, any>> }> };
  assert.deepEqual(body.messages[0].content[1], { type: 'image', source: { type: 'base64', media_type: 'image/png', data } });
  const result = body.messages[2].content[0];
  assert.equal(result.type, 'tool_result');
  assert.deepEqual(result.content, [{ type: 'text', text: 'a picture' }, { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data } }]);
});
