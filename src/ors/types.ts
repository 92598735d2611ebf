// Wire types of the Open Reward Standard, exactly as the reference SDK serialises them.
// Every key is always present on the wire (null when absent): the Python client reads
// `metadata`, `reward` and `finished` by direct key access.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface TextBlock {
  type: 'text';
  text: string;
  detail: JsonObject | null;
}

export interface ImageBlock {
  type: 'image';
  /** base64 without a `data:` prefix */
  data: string;
  mimeType: string;
  detail: JsonObject | null;
}

export type Block = TextBlock | ImageBlock;

export interface ToolOutput {
  blocks: Block[];
  metadata: JsonObject | null;
  reward: number | null;
  finished: boolean;
}

/** The `/call` payload. */
export type RunToolOutput = { ok: true; output: ToolOutput } | { ok: false; error: string };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the tool's single argument object; null when the tool takes no arguments. */
  input_schema: JsonObject | null;
}

export type SplitType = 'train' | 'validation' | 'test';

export interface Split {
  name: string;
  type: SplitType;
}

/** Secrets as the environment sees them, merged from the body and the X-Secrets header. */
export type Secrets = Record<string, string>;

export function textBlock(text: string, detail: JsonObject | null = null): TextBlock {
  return { type: 'text', text, detail };
}

export function imageBlock(data: string, mimeType: string, detail: JsonObject | null = null): ImageBlock {
  return { type: 'image', data, mimeType, detail };
}

/** Builds a ToolOutput with every key present. */
export function toolOutput(init: {
  blocks?: Block[];
  text?: string;
  metadata?: JsonObject | null;
  reward?: number | null;
  finished?: boolean;
}): ToolOutput {
  const blocks = [...(init.blocks ?? [])];
  if (init.text !== undefined) blocks.unshift(textBlock(init.text));
  return {
    blocks: blocks.map(normaliseBlock),
    metadata: init.metadata ?? null,
    reward: init.reward ?? null,
    finished: init.finished ?? false,
  };
}

/** Fills absent optional keys with null so the wire form is always complete. */
export function normaliseBlock(block: Block): Block {
  if (block.type === 'text') return { text: block.text, detail: block.detail ?? null, type: 'text' };
  return { data: block.data, mimeType: block.mimeType, detail: block.detail ?? null, type: 'image' };
}

export function splitOf(nameOrSplit: string | Split): Split {
  if (typeof nameOrSplit !== 'string') return nameOrSplit;
  const known: SplitType[] = ['train', 'validation', 'test'];
  const type = (known as string[]).includes(nameOrSplit) ? (nameOrSplit as SplitType) : 'validation';
  return { name: nameOrSplit, type };
}
