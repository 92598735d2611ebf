// What an agent is to the episode loop. Model-driven and scripted agents implement the same
// interface, so both run through the same loop and produce the same records.

import type { Block, JsonObject, RunToolOutput, ToolSpec } from '../ors/types.js';
import type { ChatMessage, Usage } from '../models/types.js';
import type { Environment } from '../ors/environment.js';

export interface AgentContext {
  env: string;
  split: string;
  taskIndex: number;
  taskId: string;
  /** The task spec as the environment published it (never contains answers). */
  task: JsonObject;
  epoch: number;
  /** Per-episode seed derived from the run seed, task and epoch. */
  seed: number;
  prompt: Block[];
  tools: ToolSpec[];
  signal: AbortSignal;
  /**
   * The Environment object when it runs in this process (never for --server runs). Only
   * test-only oracle agents use it, to read the server-side answer key.
   */
  localEnvironment?: Environment;
}

/** One tool call an agent wants made. `parseError` means the model's arguments were unusable. */
export interface ProposedCall {
  id: string;
  name: string;
  input: JsonObject;
  parseError?: string;
}

export interface ToolResult {
  call: ProposedCall;
  output: RunToolOutput;
}

/** What one agent turn produced. No calls means the agent has stopped. */
export interface AgentStep {
  calls: ProposedCall[];
  text: string | null;
  /** Messages this turn added to the conversation, for the transcript. */
  messages?: ChatMessage[];
  usage?: Usage;
  modelId?: string;
  cached?: boolean;
  attempts?: number;
  stopReason?: string;
}

export interface AgentSession {
  /** Called first with no results, then with the results of the previous step's calls. */
  step(results: ToolResult[]): Promise<AgentStep>;
}

export interface Agent {
  readonly name: string;
  readonly kind: 'model' | 'scripted';
  /** Model id (`provider:model`) for model agents. */
  readonly modelId?: string;
  start(ctx: AgentContext): AgentSession | Promise<AgentSession>;
}

/**
 * A scripted agent: a generator that yields tool calls and receives each call's output.
 * Returning ends the agent's turn-taking (the episode is then judged by what it submitted).
 */
export interface ScriptedAgent extends Agent {
  readonly kind: 'scripted';
  /** Environments this agent knows how to play (lowercase names). */
  readonly envs: string[];
  readonly description: string;
  /** reads server-side state (answer keys) in-process, so it cannot play a remote server */
  readonly inProcessOnly?: boolean;
}

export interface ScriptedCall {
  name: string;
  input?: JsonObject;
}

export type ScriptedPlan = (ctx: AgentContext) => AsyncGenerator<ScriptedCall, void, RunToolOutput>;

/** Builds a ScriptedAgent from a generator of tool calls. */
export function defineScriptedAgent(def: { name: string; envs: string[]; description: string; plan: ScriptedPlan }): ScriptedAgent {
  return {
    name: def.name,
    kind: 'scripted',
    envs: def.envs.map((e) => e.toLowerCase()),
    description: def.description,
    start(ctx) {
      const gen = def.plan(ctx);
      let n = 0;
      let first = true;
      return {
        async step(results) {
          const next = first ? await gen.next(undefined as unknown as RunToolOutput) : await gen.next(results[0]?.output ?? { ok: false, error: 'no result' });
          first = false;
          if (next.done) return { calls: [], text: null };
          return { calls: [{ id: `scripted_${n++}`, name: next.value.name, input: next.value.input ?? {} }], text: null };
        },
      };
    },
  };
}

/**
 * Builds a ScriptedAgent from an async function that calls tools through `call` — for
 * agents written as ordinary procedural code. Each call is handed to the episode loop
 * (so it is validated, recorded and counted like any other) and its output handed back.
 */
export function defineCallbackAgent(def: {
  name: string;
  envs: string[];
  description: string;
  inProcessOnly?: boolean;
  run: (ctx: AgentContext, call: (name: string, input: JsonObject) => Promise<RunToolOutput>) => Promise<void>;
}): ScriptedAgent {
  return {
    name: def.name,
    kind: 'scripted',
    envs: def.envs.map((e) => e.toLowerCase()),
    description: def.description,
    inProcessOnly: def.inProcessOnly,
    start(ctx) {
      type Event = { kind: 'call'; name: string; input: JsonObject } | { kind: 'done' } | { kind: 'failed'; error: unknown };
      const events: Event[] = [];
      let wake: (() => void) | null = null;
      let deliver: ((out: RunToolOutput) => void) | null = null;
      const push = (e: Event) => {
        events.push(e);
        wake?.();
      };
      let started = false;
      let n = 0;
      const call = (name: string, input: JsonObject) =>
        new Promise<RunToolOutput>((resolve) => {
          deliver = resolve;
          push({ kind: 'call', name, input });
        });
      return {
        async step(results) {
          if (!started) {
            started = true;
            def.run(ctx, call).then(
              () => push({ kind: 'done' }),
              (error) => push({ kind: 'failed', error }),
            );
          } else if (deliver) {
            const d = deliver;
            deliver = null;
            d(results[0]?.output ?? { ok: false, error: 'no result' });
          }
          while (events.length === 0) await new Promise<void>((r) => (wake = r));
          wake = null;
          const e = events.shift()!;
          if (e.kind === 'failed') throw e.error;
          if (e.kind === 'done') return { calls: [], text: null };
          return { calls: [{ id: `scripted_${n++}`, name: e.name, input: e.input }], text: null };
        },
      };
    },
  };
}

/** Plain text of ORS blocks, as an agent reads it. */
export function blocksToText(blocks: Block[]): string {
  return blocks
    .map((b) => (b.type === 'text' ? b.text : `[image ${b.mimeType}, ${Math.round((b.data.length * 3) / 4)} bytes, not shown]`))
    .join('\n');
}

/** How an episode's loop ended. */
export type EndReason = 'finished' | 'agent_stopped' | 'turn_limit' | 'token_limit' | 'time_limit' | 'agent_error' | 'env_error' | 'aborted';
