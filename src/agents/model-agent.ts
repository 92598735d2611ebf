// The tool-calling agent: shows the ORS prompt to a model with the episode's tools, runs the
// tool calls it makes, feeds the outputs back, and repeats. A reply without tool calls gets
// one reminder to use the tools (models often answer in prose and forget to submit).

import type { Block, JsonObject, RunToolOutput } from '../ors/types.js';
import type { ChatMessage, ImagePart, Model } from '../models/types.js';
import { blocksToText, type Agent, type AgentContext, type AgentSession, type ProposedCall } from './types.js';

export const DEFAULT_SYSTEM_PROMPT =
  'You are working on a task inside an environment that you can only act on through the provided tools. ' +
  'Think step by step, call tools to gather what you need, and finish by calling the tool that submits your answer. ' +
  'The episode ends when a tool reports that it is finished.';

const REMINDER =
  'The episode is not finished. Continue by calling one of the tools; submit your final answer with the submission tool.';

export interface ModelAgentOptions {
  system?: string;
  maxTokensPerTurn?: number;
  temperature?: number;
  /** Reminders sent after a reply without tool calls before the agent is considered stopped. */
  reminders?: number;
}

/** Image blocks as model image parts (vision models see them; the text keeps a placeholder). */
export function imagesOf(blocks: Block[]): { images?: ImagePart[] } {
  const images = blocks.flatMap((b) => (b.type === 'image' ? [{ mimeType: b.mimeType, data: b.data }] : []));
  return images.length ? { images } : {};
}

export function toolOutputText(output: RunToolOutput): string {
  if (!output.ok) return `Error: ${output.error}`;
  const text = blocksToText(output.output.blocks);
  return text.length > 0 ? text : '(no output)';
}

/** Parses a model's argument string into an input object, or explains why it cannot. */
export function parseArguments(raw: string): { input: JsonObject } | { error: string } {
  if (raw.trim() === '') return { input: {} };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    return { error: `arguments are not valid JSON (${(err as Error).message})` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: 'arguments must be a JSON object' };
  return { input: value as JsonObject };
}

export class ModelAgent implements Agent {
  readonly kind = 'model' as const;
  readonly name: string;
  readonly modelId: string;

  constructor(
    private readonly model: Model,
    private readonly opts: ModelAgentOptions = {},
  ) {
    this.modelId = model.id;
    this.name = `model:${model.id}`;
  }

  start(ctx: AgentContext): AgentSession {
    const messages: ChatMessage[] = [
      { role: 'system', content: this.opts.system ?? DEFAULT_SYSTEM_PROMPT },
      { role: 'user', content: blocksToText(ctx.prompt), ...imagesOf(ctx.prompt) },
    ];
    let remindersLeft = this.opts.reminders ?? 1;
    const model = this.model;
    const opts = this.opts;
    let first = true;
    return {
      async step(results) {
        const added: ChatMessage[] = first ? [...messages] : [];
        first = false;
        for (const r of results) {
          const m: ChatMessage = { role: 'tool', toolCallId: r.call.id, name: r.call.name, content: toolOutputText(r.output), ...(r.output.ok ? imagesOf(r.output.output.blocks) : {}) };
          messages.push(m);
          added.push(m);
        }
        const usage = { inputTokens: 0, outputTokens: 0 };
        let attempts = 0;
        let cached = true;
        for (;;) {
          const res = await model.generate(
            { messages, tools: ctx.tools, maxTokens: opts.maxTokensPerTurn, temperature: opts.temperature, seed: ctx.seed },
            { signal: ctx.signal, cacheSalt: `epoch:${ctx.epoch}` },
          );
          messages.push(res.message);
          added.push(res.message);
          usage.inputTokens += res.usage.inputTokens;
          usage.outputTokens += res.usage.outputTokens;
          attempts += res.attempts;
          cached &&= res.cached;
          const calls: ProposedCall[] = res.message.toolCalls.map((c) => {
            const parsed = parseArguments(c.arguments);
            return 'input' in parsed
              ? { id: c.id, name: c.name, input: parsed.input }
              : { id: c.id, name: c.name, input: {}, parseError: parsed.error };
          });
          if (calls.length > 0 || remindersLeft <= 0) {
            return { calls, text: res.message.content, messages: added, usage, modelId: model.id, cached, attempts, stopReason: res.stopReason };
          }
          // Answered in prose without a tool call: remind, within the same turn.
          remindersLeft--;
          const reminder: ChatMessage = { role: 'user', content: REMINDER };
          messages.push(reminder);
          added.push(reminder);
        }
      },
    };
  }
}
