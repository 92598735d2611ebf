// The typed way to define an environment. An environment is a plain object: discovery data
// (splits, an index-addressed task source, shared tools) plus `open`, which builds one
// episode for a task spec. The ORS server turns this into HTTP; the evaluation runner can
// also drive it in-process.
//
// Task specs go to clients, so they never carry answers: an environment keeps answers on the
// server side and looks them up from the spec (for example by a task id) inside `open`.

import type { Static, TSchema } from '@sinclair/typebox';
import type { Block, JsonObject, Secrets, Split, ToolOutput, ToolSpec } from './types.js';

/** Index-addressed tasks, so a split of a million generated tasks is never materialised. */
export interface TaskSource {
  /** Number of tasks in a split; throws UnknownSplitError for an unknown split. */
  count(split: string): number | Promise<number>;
  /** Task spec at a 0-based index (already bounds-checked by the caller). */
  get(split: string, index: number): JsonObject | Promise<JsonObject>;
  /** Optional fast path for a contiguous range [start, stop). */
  range?(split: string, start: number, stop: number): JsonObject[] | Promise<JsonObject[]>;
}

/** What a tool sees when it runs. */
export interface ToolContext {
  /** Aborted when the session is deleted or the server shuts down. */
  signal: AbortSignal;
  sessionId: string;
}

/**
 * A tool. `input` is a typebox schema (its JSON Schema becomes the ORS `input_schema`) or
 * null for a tool without arguments. `State` is the per-episode state `open` returned.
 */
export interface Tool<S extends TSchema | null = TSchema | null, State = unknown> {
  name: string;
  description: string;
  input: S;
  /**
   * The tool changes state other calls read (e.g. submit_answer): on the ORS server it runs
   * alone on its session, after the calls already running there and before any started later.
   * Other tools of a session run concurrently with each other.
   */
  exclusive?: boolean;
  run(
    input: S extends TSchema ? Static<S> : Record<string, never>,
    state: State,
    ctx: ToolContext,
  ): ToolOutput | Promise<ToolOutput>;
}

/** One live episode, built by `Environment.open` (this is the ORS `setup`). */
export interface Episode<State = unknown> {
  state: State;
  prompt(): Block[] | Promise<Block[]>;
  /** Tools only this task has, listed by /task_tools beside the shared ones. */
  tools?: Tool<any, State>[];
  /** ORS `teardown`: runs on /delete, idle expiry and server shutdown. */
  close?(): void | Promise<void>;
}

export interface OpenContext {
  task: JsonObject;
  secrets: Secrets;
  sessionId: string;
  signal: AbortSignal;
}

export interface Environment<State = any> {
  /** Lowercase ORS name; lookups ignore case. */
  name: string;
  description?: string;
  splits: Split[];
  tasks: TaskSource;
  /** Shared tools, listed by /tools and /task_tools. */
  tools: Tool<any, State>[];
  /** Builds an episode; runs in the background after /create. */
  open(ctx: OpenContext): Promise<Episode<State>> | Episode<State>;
  /**
   * Checks a client-supplied task spec before /create answers: throw InvalidTaskError (a 400
   * naming the problem) for a spec `open` would refuse. Must be cheap; `open` still validates.
   */
  checkTask?(task: JsonObject): void | Promise<void>;
  /** Largest split /tasks will list whole; bigger splits must use the index API. */
  maxListedTasks?: number;
  /** Released when the server stops. */
  dispose?(): void | Promise<void>;
}

export function defineEnvironment<State>(env: Environment<State>): Environment<State> {
  if (env.name !== env.name.toLowerCase()) throw new Error(`environment name must be lowercase: ${env.name}`);
  if (env.splits.length === 0) throw new Error(`environment ${env.name} has no splits`);
  if (env.tools.length === 0) throw new Error(`environment ${env.name} has no tools`);
  assertUniqueToolNames(env.name, env.tools);
  return env;
}

export function defineTool<S extends TSchema | null, State = unknown>(tool: Tool<S, State>): Tool<S, State> {
  if (!/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(tool.name)) throw new Error(`bad tool name: ${tool.name}`);
  return tool;
}

export function assertUniqueToolNames(owner: string, tools: Tool<any, any>[]): void {
  const seen = new Set<string>();
  for (const t of tools) {
    if (seen.has(t.name)) throw new Error(`${owner}: duplicate tool name ${t.name}`);
    seen.add(t.name);
  }
}

/** The ORS ToolSpec of a tool: the typebox schema as plain JSON Schema, or null. */
export function toolSpec(tool: Tool<any, any>): ToolSpec {
  const schema = tool.input === null ? null : (JSON.parse(JSON.stringify(tool.input)) as JsonObject);
  return { name: tool.name, description: tool.description, input_schema: schema };
}

/**
 * Thrown by a tool for an error the agent caused (bad argument, unknown file...): becomes
 * `{"ok": false, "error": message}`. Any other exception is an environment fault and becomes
 * an SSE `error` event.
 */
export class ToolError extends Error {
  override name = 'ToolError';
}

/** The environment cannot open an episode right now (a full generation queue...): a 503 with Retry-After. */
export class EnvironmentBusyError extends Error {
  override name = 'EnvironmentBusyError';
}

/** A task spec the environment cannot serve (bad fields, unknown id, edited question...): a 400. */
export class InvalidTaskError extends Error {
  override name = 'InvalidTaskError';
}

export class UnknownSplitError extends Error {
  constructor(split: string) {
    super('Invalid split');
    this.name = 'UnknownSplitError';
    this.split = split;
  }
  split: string;
}

/** A TaskSource over fixed arrays per split (small environments, tests). */
export function arrayTasks(splits: Record<string, JsonObject[]>): TaskSource {
  const of = (split: string) => {
    const list = splits[split];
    if (!list) throw new UnknownSplitError(split);
    return list;
  };
  return {
    count: (split) => of(split).length,
    get: (split, i) => of(split)[i],
    range: (split, start, stop) => of(split).slice(start, stop),
  };
}
