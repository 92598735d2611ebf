// Everything that happened in an episode, in order, with times relative to its start.

import type { Block, RunToolOutput, ToolSpec } from '../ors/types.js';
import type { ChatMessage, Usage } from '../models/types.js';

export type TranscriptEvent =
  | { t: number; kind: 'prompt'; blocks: Block[]; tools: ToolSpec[] }
  | {
      t: number;
      kind: 'agent';
      turn: number;
      ms: number;
      text: string | null;
      messages?: ChatMessage[];
      calls: Array<{ id: string; name: string; input: unknown; parseError?: string }>;
      usage?: Usage;
      model?: string;
      cached?: boolean;
      attempts?: number;
      stopReason?: string;
    }
  | { t: number; kind: 'tool'; turn: number; ms: number; callId: string; name: string; output: RunToolOutput }
  | { t: number; kind: 'error'; where: 'agent' | 'env'; message: string };
