// The environment side of an episode, as the agent loop sees it. Two implementations:
// in-process (an Environment object in this process) and remote (an ORS server by URL).

import type { Environment } from '../ors/environment.js';
import type { Block, JsonObject, RunToolOutput, Split, ToolSpec } from '../ors/types.js';

/** One live episode. `call` returns ok:false for agent mistakes and throws for env faults. */
export interface EpisodeTarget {
  prompt(): Promise<Block[]>;
  tools(): Promise<ToolSpec[]>;
  call(name: string, input: JsonObject, signal?: AbortSignal): Promise<RunToolOutput>;
  close(): Promise<void>;
}

/** An environment to evaluate against: task discovery plus episodes. */
export interface EnvDriver {
  readonly env: string;
  /** Where it runs: `in-process` or the server URL. */
  readonly location: string;
  splits(): Promise<Split[]>;
  numTasks(split: string): Promise<number>;
  task(split: string, index: number): Promise<JsonObject>;
  taskRange(split: string, start: number, stop: number): Promise<JsonObject[]>;
  open(task: JsonObject, signal: AbortSignal): Promise<EpisodeTarget>;
  close(): Promise<void>;
  /** The Environment object, for in-process drivers only. */
  readonly localEnvironment?: Environment;
}

/** An environment fault (tool crash, setup failure, dead session): the episode is an error. */
export class EnvFault extends Error {
  override name = 'EnvFault';
}
