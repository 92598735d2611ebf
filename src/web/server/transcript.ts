// Shapes a stored episode for the transcript view: long tool outputs and per-turn message
// histories are cut to a preview (the full event is fetched when asked for), and the
// submitted answer is picked out of the call that finished the episode.

import type { TranscriptEvent } from '../../agents/transcript.js';
import type { Block } from '../../ors/types.js';
import type { EpisodeRecord } from '../../runs/types.js';

/** Tool outputs longer than this are sent as a preview and loaded in full on demand. */
export const PREVIEW_CHARS = 2000;

export interface ShapedEvent {
  index: number;
  event: TranscriptEvent;
  /** set when the event was cut: its full size in characters */
  truncated?: { chars: number };
}

export interface Submission {
  tool: string;
  input: unknown;
  turn: number;
}

export interface ShapedEpisode {
  record: Omit<EpisodeRecord, 'transcript'>;
  events: ShapedEvent[];
  submitted: Submission | null;
}

const blocksChars = (blocks: Block[]) => blocks.reduce((n, b) => n + (b.type === 'text' ? b.text.length : 0), 0);

export function shapeEvent(event: TranscriptEvent, index: number): ShapedEvent {
  if (event.kind === 'tool') {
    const out = event.output;
    const chars = out.ok ? blocksChars(out.output.blocks) : out.error.length;
    if (chars <= PREVIEW_CHARS) return { index, event };
    const cut: TranscriptEvent = out.ok
      ? { ...event, output: { ok: true, output: { ...out.output, blocks: previewBlocks(out.output.blocks) } } }
      : { ...event, output: { ok: false, error: out.error.slice(0, PREVIEW_CHARS) } };
    return { index, event: cut, truncated: { chars } };
  }
  if (event.kind === 'agent' && event.messages) {
    // The message history repeats every earlier turn; the view shows text and calls instead.
    const { messages: _dropped, ...rest } = event;
    return { index, event: rest, truncated: { chars: JSON.stringify(event.messages).length } };
  }
  return { index, event };
}

function previewBlocks(blocks: Block[]): Block[] {
  let left = PREVIEW_CHARS;
  const out: Block[] = [];
  for (const b of blocks) {
    if (b.type !== 'text') {
      out.push(b);
      continue;
    }
    if (left <= 0) break;
    out.push({ ...b, text: b.text.slice(0, left) });
    left -= b.text.length;
  }
  return out;
}

/** The arguments of the tool call whose output finished the episode. */
export function submissionOf(transcript: TranscriptEvent[]): Submission | null {
  const finishing = transcript.find((e) => e.kind === 'tool' && e.output.ok && e.output.output.finished);
  if (!finishing || finishing.kind !== 'tool') return null;
  for (const e of transcript) {
    if (e.kind !== 'agent') continue;
    const call = e.calls.find((c) => c.id === finishing.callId);
    if (call) return { tool: call.name, input: call.input, turn: e.turn };
  }
  return { tool: finishing.name, input: null, turn: finishing.turn };
}

export function shapeEpisode(record: EpisodeRecord): ShapedEpisode {
  const { transcript, ...rest } = record;
  return { record: rest, events: (transcript ?? []).map(shapeEvent), submitted: submissionOf(transcript ?? []) };
}
