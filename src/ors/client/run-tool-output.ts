// Validation of the `/call` payload. Optional keys the reference serialiser always sends may
// be missing from other servers, so they are filled in; anything structurally wrong is a
// protocol error rather than a silent misread.

import type { Block, JsonObject, RunToolOutput } from '../types.js';
import { OrsProtocolError } from './errors.js';

export function parseRunToolOutput(text: string): RunToolOutput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new OrsProtocolError(`tool result is not JSON (${text.length} characters): ${text.slice(0, 120)}`);
  }
  if (!isObject(value) || typeof value.ok !== 'boolean') {
    throw new OrsProtocolError(`tool result has no boolean "ok": ${text.slice(0, 120)}`);
  }
  if (!value.ok) {
    const error = value.error;
    return { ok: false, error: typeof error === 'string' ? error : JSON.stringify(error ?? null) };
  }
  const output = value.output;
  if (!isObject(output) || !Array.isArray(output.blocks)) {
    throw new OrsProtocolError(`tool result has ok:true but no output.blocks array: ${text.slice(0, 120)}`);
  }
  const reward = output.reward ?? null;
  if (reward !== null && typeof reward !== 'number') throw new OrsProtocolError(`tool reward is not a number: ${reward}`);
  return {
    ok: true,
    output: {
      blocks: output.blocks.map(parseBlock),
      metadata: isObject(output.metadata) ? (output.metadata as JsonObject) : null,
      reward,
      finished: output.finished === true,
    },
  };
}

/** Text and image blocks get every key; other block types pass through untouched. */
export function parseBlock(raw: unknown): Block {
  if (!isObject(raw) || typeof raw.type !== 'string') throw new OrsProtocolError(`block without a type: ${JSON.stringify(raw)}`);
  const detail = isObject(raw.detail) ? (raw.detail as JsonObject) : null;
  if (raw.type === 'text') {
    if (typeof raw.text !== 'string') throw new OrsProtocolError('text block without text');
    return { type: 'text', text: raw.text, detail };
  }
  if (raw.type === 'image') {
    if (typeof raw.data !== 'string' || typeof raw.mimeType !== 'string') {
      throw new OrsProtocolError('image block without data or mimeType');
    }
    return { type: 'image', data: raw.data, mimeType: raw.mimeType, detail };
  }
  return raw as unknown as Block;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
