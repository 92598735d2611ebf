// Drives an environment on an ORS server through the genegym ORS client.

import { OrsClient, OrsToolFault, type OrsEnvironmentClient } from '../ors/client/index.js';
import type { JsonObject } from '../ors/types.js';
import { EnvFault, type EnvDriver, type EpisodeTarget } from './target.js';

export interface RemoteDriverOptions {
  baseUrl: string;
  env: string;
  apiKey?: string;
  retries?: number;
  silenceTimeoutMs?: number;
  pingIntervalMs?: number;
}

export class RemoteDriver implements EnvDriver {
  readonly location: string;
  private readonly client: OrsEnvironmentClient;

  constructor(private readonly opts: RemoteDriverOptions) {
    this.location = opts.baseUrl;
    this.client = new OrsClient({
      baseUrl: opts.baseUrl,
      apiKey: opts.apiKey,
      retries: opts.retries,
      silenceTimeoutMs: opts.silenceTimeoutMs,
      pingIntervalMs: opts.pingIntervalMs,
    }).environment(opts.env);
  }

  get env(): string {
    return this.opts.env.toLowerCase();
  }

  splits() {
    return this.client.splits();
  }
  numTasks(split: string) {
    return this.client.numTasks(split);
  }
  task(split: string, index: number) {
    return this.client.task(split, index);
  }
  taskRange(split: string, start: number, stop: number) {
    return this.client.taskRange(split, start, stop);
  }

  async open(task: JsonObject, _signal: AbortSignal): Promise<EpisodeTarget> {
    let session: Awaited<ReturnType<OrsEnvironmentClient['session']>>;
    try {
      session = await this.client.session({ task });
    } catch (err) {
      throw new EnvFault(`could not open a session: ${(err as Error).message}`);
    }
    const wrap = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch (err) {
        if (err instanceof OrsToolFault) throw new EnvFault(err.message);
        throw new EnvFault(`${what}: ${(err as Error).message}`);
      }
    };
    return {
      prompt: () => wrap('prompt', () => session.prompt()),
      tools: () => wrap('tools', () => session.tools()),
      call: (name, input, signal) => wrap(`call ${name}`, () => session.call(name, input, { signal })),
      close: async () => {
        await session.close().catch(() => undefined);
      },
    };
  }

  async close() {}
}
