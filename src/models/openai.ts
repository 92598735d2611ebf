// OpenAI-compatible chat completions with tool calling, through the `openai` package. Works
// with any server that speaks the API (OpenAI, vLLM, Ollama, OpenRouter): set the base URL.
// The SDK's own retries are off; ours (retry.ts) classify errors and stay bounded.

import OpenAI from 'openai';
import { toOpenAIChatTool } from '../ors/client/formats.js';
import { keepAliveFetch } from './http-fetch.js';
import { retryAfterMs as retryAfterHeaderMs } from '../ors/client/backoff.js';
import { kindOfStatus, ModelError, redactSecrets } from './errors.js';
import type { ChatMessage, ImagePart, ModelRequest, ModelResponse, ProviderTransport } from './types.js';

export interface OpenAiOptions {
  model: string;
  baseUrl?: string;
  apiKey?: string;
  /** Per-attempt time limit. */
  timeoutMs?: number;
}

type ChatParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;

const imageParts = (images: ImagePart[]) => images.map((im) => ({ type: 'image_url' as const, image_url: { url: `data:${im.mimeType};base64,${im.data}` } }));

/**
 * Chat messages in OpenAI's shape. Images go as image_url parts of a user message; a tool
 * message may carry text only, so images a tool returned follow the turn's tool messages as one
 * user message that names the call each came from.
 */
export function toOpenAiMessages(messages: ChatMessage[]): ChatParams['messages'] {
  const out: ChatParams['messages'] = [];
  let pendingImages: { name: string; images: ImagePart[] }[] = [];
  const flushImages = () => {
    if (pendingImages.length === 0) return;
    const content = pendingImages.flatMap((p) => [{ type: 'text' as const, text: `Image(s) returned by ${p.name}:` }, ...imageParts(p.images)]);
    out.push({ role: 'user', content });
    pendingImages = [];
  };
  for (const m of messages) {
    if (m.role !== 'tool') flushImages();
    switch (m.role) {
      case 'system':
        out.push({ role: 'system', content: m.content });
        break;
      case 'user':
        out.push(m.images?.length ? { role: 'user', content: [{ type: 'text', text: m.content }, ...imageParts(m.images)] } : { role: 'user', content: m.content });
        break;
      case 'tool':
        out.push({ role: 'tool', tool_call_id: m.toolCallId, content: m.content });
        if (m.images?.length) pendingImages.push({ name: m.name, images: m.images });
        break;
      case 'assistant':
        out.push({
          role: 'assistant',
          content: m.content,
          ...(m.toolCalls.length > 0
            ? {
                tool_calls: m.toolCalls.map((c) => ({
                  id: c.id,
                  type: 'function' as const,
                  function: { name: c.name, arguments: c.arguments },
                })),
              }
            : {}),
        });
        break;
    }
  }
  flushImages();
  return out;
}

// Agents resend the same tool specs every turn; convert each spec object once.
const converted = new WeakMap<object, ReturnType<typeof toOpenAIChatTool>>();
function convertTool(spec: ModelRequest['tools'][number]) {
  let tool = converted.get(spec);
  if (!tool) converted.set(spec, (tool = toOpenAIChatTool(spec)));
  return tool;
}

export function toOpenAiParams(model: string, req: ModelRequest): ChatParams {
  const params: ChatParams = { model, messages: toOpenAiMessages(req.messages) };
  if (req.tools.length > 0) {
    params.tools = req.tools.map(convertTool);
  }
  if (req.maxTokens !== undefined) params.max_tokens = req.maxTokens;
  if (req.temperature !== undefined) params.temperature = req.temperature;
  if (req.seed !== undefined) params.seed = req.seed;
  return params;
}

/** Reads one chat completion; anything unusable is a protocol error, not a crash. */
export function fromOpenAiCompletion(body: unknown): Omit<ModelResponse, 'cached' | 'attempts'> {
  const choice = (body as { choices?: unknown[] } | null)?.choices?.[0] as
    | { message?: { content?: unknown; tool_calls?: unknown[] }; finish_reason?: string }
    | undefined;
  if (!choice?.message) throw new ModelError('protocol', 'model response has no choices[0].message');
  const msg = choice.message;
  const toolCalls = (Array.isArray(msg.tool_calls) ? msg.tool_calls : []).map((raw, i) => {
    const c = raw as { id?: unknown; function?: { name?: unknown; arguments?: unknown } };
    const args = c.function?.arguments;
    return {
      id: typeof c.id === 'string' && c.id ? c.id : `call_${i}`,
      name: typeof c.function?.name === 'string' ? c.function.name : '',
      arguments: typeof args === 'string' ? args : args === undefined ? '' : JSON.stringify(args),
    };
  });
  const usage = (body as { usage?: { prompt_tokens?: number; completion_tokens?: number } }).usage;
  const fr = choice.finish_reason;
  return {
    message: { role: 'assistant', content: typeof msg.content === 'string' ? msg.content : null, toolCalls },
    usage: { inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0 },
    stopReason: fr === 'stop' ? 'stop' : fr === 'tool_calls' ? 'tool_calls' : fr === 'length' ? 'length' : toolCalls.length ? 'tool_calls' : 'other',
  };
}

export class OpenAiTransport implements ProviderTransport {
  readonly provider = 'openai';
  readonly model: string;
  readonly baseUrl: string;
  private readonly client: OpenAI;

  constructor(opts: OpenAiOptions) {
    this.model = opts.model;
    this.baseUrl = opts.baseUrl ?? 'https://api.openai.com/v1';
    // Local servers (vLLM, Ollama) accept any key; the SDK insists on one.
    this.client = new OpenAI({
      apiKey: opts.apiKey ?? 'no-key',
      baseURL: this.baseUrl,
      maxRetries: 0,
      timeout: opts.timeoutMs ?? 120_000,
      fetch: keepAliveFetch(),
    });
  }

  async send(req: ModelRequest, signal: AbortSignal) {
    let body: unknown;
    try {
      body = await this.client.chat.completions.create(toOpenAiParams(this.model, req), { signal });
    } catch (err) {
      throw classifyOpenAiError(err, signal);
    }
    return fromOpenAiCompletion(body);
  }
}

export function classifyOpenAiError(err: unknown, signal?: AbortSignal): ModelError {
  if (err instanceof ModelError) return err;
  if (signal?.aborted) return new ModelError('aborted', 'request aborted');
  if (err instanceof OpenAI.APIConnectionTimeoutError) return new ModelError('timeout', 'model request timed out');
  if (err instanceof OpenAI.APIUserAbortError) return new ModelError('aborted', 'request aborted');
  if (err instanceof OpenAI.APIConnectionError) return new ModelError('connection', `connection failed: ${err.message}`);
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    const ra = err.headers?.get?.('retry-after') ?? null;
    const retryAfterMs = retryAfterHeaderMs(ra);
    return new ModelError(kindOfStatus(err.status), `HTTP ${err.status}: ${redactSecrets(err.message)}`, {
      status: err.status,
      retryAfterMs,
    });
  }
  // A 200 whose body is not JSON surfaces as a SyntaxError from the SDK.
  if (err instanceof SyntaxError) return new ModelError('protocol', `unreadable model response: ${err.message}`);
  return new ModelError('connection', err instanceof Error ? err.message : String(err));
}
