// Anthropic Messages API over plain fetch (no SDK dependency). Tool results travel as
// `tool_result` blocks inside a user turn; consecutive tool messages merge into one turn.

import { toAnthropicTool } from '../ors/client/formats.js';
import { retryAfterMs as retryAfterHeaderMs } from '../ors/client/backoff.js';
import { kindOfStatus, ModelError } from './errors.js';
import type { ChatMessage, ModelRequest, ModelResponse, ProviderTransport, ImagePart } from './types.js';

export interface AnthropicOptions {
  model: string;
  baseUrl?: string;
  apiKey?: string;
  timeoutMs?: number;
  /** Required by the API; used when the request sets no maxTokens. */
  defaultMaxTokens?: number;
}

type ImageBlock = { type: 'image'; source: { type: 'base64'; media_type: string; data: string } };

type Block =
  | { type: 'text'; text: string }
  | ImageBlock
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; tool_use_id: string; content: string | Array<{ type: 'text'; text: string } | ImageBlock> };

const imageBlock = (im: ImagePart): ImageBlock => ({ type: 'image', source: { type: 'base64', media_type: im.mimeType, data: im.data } });

interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

export function toAnthropicBody(model: string, req: ModelRequest, defaultMaxTokens: number): Record<string, unknown> {
  const system = req.messages.filter((m) => m.role === 'system').map((m) => m.content as string);
  const messages: AnthropicMessage[] = [];
  const push = (role: 'user' | 'assistant', block: Block) => {
    const last = messages[messages.length - 1];
    if (last && last.role === role) last.content.push(block);
    else messages.push({ role, content: [block] });
  };
  for (const m of req.messages as ChatMessage[]) {
    if (m.role === 'user') {
      push('user', { type: 'text', text: m.content });
      for (const im of m.images ?? []) push('user', imageBlock(im));
    } else if (m.role === 'tool') {
      // tool results may hold images themselves
      const content = m.images?.length ? [{ type: 'text' as const, text: m.content }, ...m.images.map(imageBlock)] : m.content;
      push('user', { type: 'tool_result', tool_use_id: m.toolCallId, content });
    }
    else if (m.role === 'assistant') {
      if (m.content) push('assistant', { type: 'text', text: m.content });
      for (const c of m.toolCalls) push('assistant', { type: 'tool_use', id: c.id, name: c.name, input: parseLoose(c.arguments) });
    }
  }
  const body: Record<string, unknown> = { model, max_tokens: req.maxTokens ?? defaultMaxTokens, messages };
  if (system.length > 0) body.system = system.join('\n\n');
  if (req.tools.length > 0) {
    body.tools = req.tools.map(toAnthropicTool);
  }
  if (req.temperature !== undefined) body.temperature = req.temperature;
  return body;
}

function parseLoose(text: string): unknown {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

export function fromAnthropicMessage(body: unknown): Omit<ModelResponse, 'cached' | 'attempts'> {
  const b = body as { content?: unknown[]; stop_reason?: string; usage?: { input_tokens?: number; output_tokens?: number } };
  if (!b || !Array.isArray(b.content)) throw new ModelError('protocol', 'model response has no content array');
  const texts: string[] = [];
  const toolCalls = [];
  for (const raw of b.content) {
    const block = raw as { type?: string; text?: string; id?: string; name?: string; input?: unknown };
    if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    if (block.type === 'tool_use') {
      toolCalls.push({ id: block.id ?? `toolu_${toolCalls.length}`, name: block.name ?? '', arguments: JSON.stringify(block.input ?? {}) });
    }
  }
  const sr = b.stop_reason;
  return {
    message: { role: 'assistant', content: texts.length ? texts.join('\n') : null, toolCalls },
    usage: { inputTokens: b.usage?.input_tokens ?? 0, outputTokens: b.usage?.output_tokens ?? 0 },
    stopReason: sr === 'end_turn' || sr === 'stop_sequence' ? 'stop' : sr === 'tool_use' ? 'tool_calls' : sr === 'max_tokens' ? 'length' : 'other',
  };
}

export class AnthropicTransport implements ProviderTransport {
  readonly provider = 'anthropic';
  readonly model: string;
  readonly baseUrl: string;
  private readonly apiKey: string | undefined;
  private readonly timeoutMs: number;
  private readonly defaultMaxTokens: number;

  constructor(opts: AnthropicOptions) {
    this.model = opts.model;
    this.baseUrl = (opts.baseUrl ?? 'https://api.anthropic.com').replace(/\/+$/, '');
    this.apiKey = opts.apiKey;
    this.timeoutMs = opts.timeoutMs ?? 120_000;
    this.defaultMaxTokens = opts.defaultMaxTokens ?? 4096;
  }

  async send(req: ModelRequest, signal: AbortSignal) {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = AbortSignal.any([signal, timeout]);
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/v1/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'anthropic-version': '2023-06-01',
          ...(this.apiKey ? { 'x-api-key': this.apiKey } : {}),
        },
        body: JSON.stringify(toAnthropicBody(this.model, req, this.defaultMaxTokens)),
        signal: combined,
      });
    } catch (err) {
      if (signal.aborted) throw new ModelError('aborted', 'request aborted');
      if (timeout.aborted) throw new ModelError('timeout', 'model request timed out');
      throw new ModelError('connection', `connection failed: ${(err as Error).message}`);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      if (signal.aborted) throw new ModelError('aborted', 'request aborted');
      if (timeout.aborted) throw new ModelError('timeout', 'model request timed out');
      throw new ModelError('connection', `connection dropped: ${(err as Error).message}`);
    }
    if (!res.ok) {
      const ra = res.headers.get('retry-after');
      const retryAfterMs = retryAfterHeaderMs(ra);
      throw new ModelError(kindOfStatus(res.status), `HTTP ${res.status}: ${text.slice(0, 500)}`, { status: res.status, retryAfterMs });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ModelError('protocol', `unreadable model response: ${text.slice(0, 200)}`);
    }
    return fromAnthropicMessage(body);
  }
}
