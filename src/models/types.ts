// The one model interface every agent and judge talks to. Messages are provider-neutral;
// each provider module converts them to its own wire format.

import type { ToolSpec } from '../ors/types.js';

export interface ToolCall {
  id: string;
  name: string;
  /** Arguments exactly as the model produced them (may be invalid JSON: the loop reports it). */
  arguments: string;
}

/** An image an environment returned (ORS image block): base64 data and its MIME type. */
export interface ImagePart {
  mimeType: string;
  data: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string; images?: ImagePart[] }
  | { role: 'assistant'; content: string | null; toolCalls: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string; images?: ImagePart[] };

export type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;

export interface ModelRequest {
  messages: ChatMessage[];
  /** ORS tool specs; each provider converts them to its own tool format. */
  tools: ToolSpec[];
  maxTokens?: number;
  temperature?: number;
  seed?: number;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export interface ModelResponse {
  message: AssistantMessage;
  usage: Usage;
  /** Provider's stop reason, normalised: stop | tool_calls | length | other */
  stopReason: 'stop' | 'tool_calls' | 'length' | 'other';
  /** True when served from the on-disk cache (no tokens were spent). */
  cached: boolean;
  /** Model attempts this answer took (1 = no retry). */
  attempts: number;
}

export interface GenerateOptions {
  signal?: AbortSignal;
  /** Distinguishes otherwise identical requests in the cache (e.g. the epoch). */
  cacheSalt?: string;
}

export interface Model {
  /** `provider:model`, e.g. `openai:gpt-4o-mini` */
  readonly id: string;
  generate(request: ModelRequest, opts?: GenerateOptions): Promise<ModelResponse>;
}

/** A provider's single attempt: no retries, no cache, no limiter. */
export interface ProviderTransport {
  readonly provider: string;
  readonly model: string;
  readonly baseUrl: string;
  send(request: ModelRequest, signal: AbortSignal): Promise<Omit<ModelResponse, 'cached' | 'attempts'>>;
}
