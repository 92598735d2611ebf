// Drives an Environment object directly, with the same semantics as our ORS server:
// unknown tools and invalid input become ok:false, ToolError becomes ok:false, any other
// exception is an environment fault.

import AjvModule from 'ajv';
import { randomUUID } from 'node:crypto';
import { ToolError, toolSpec, type Environment, type Episode, type Tool } from '../ors/environment.js';
import type { JsonObject, RunToolOutput, ToolSpec } from '../ors/types.js';
import { EnvFault, type EnvDriver, type EpisodeTarget } from './target.js';

// A tool's spec never changes; sharing one frozen object per tool also lets model transports
// cache their converted form across episodes.
const specs = new WeakMap<object, ToolSpec>();
function specOf(tool: Tool<any, any>): ToolSpec {
  let spec = specs.get(tool);
  if (!spec) specs.set(tool, (spec = Object.freeze(toolSpec(tool) as ToolSpec)));
  return spec;
}

type ValidateFn = ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string }> | null };
const Ajv = (AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule;

export class InProcessDriver implements EnvDriver {
  readonly location = 'in-process';
  private readonly ajv = new (Ajv as unknown as new (o: object) => { compile(s: object): ValidateFn })({ allErrors: true, strict: false });
  private readonly validators = new WeakMap<Tool<any, any>, ValidateFn>();

  constructor(private readonly environment: Environment) {}

  get env(): string {
    return this.environment.name;
  }

  get localEnvironment(): Environment {
    return this.environment;
  }

  async splits() {
    return this.environment.splits;
  }

  async numTasks(split: string) {
    return await this.environment.tasks.count(split);
  }

  async task(split: string, index: number) {
    const n = await this.numTasks(split);
    if (!Number.isInteger(index) || index < 0 || index >= n) throw new Error(`task index ${index} out of range 0..${n - 1} in split ${split}`);
    return await this.environment.tasks.get(split, index);
  }

  async taskRange(split: string, start: number, stop: number) {
    const n = await this.numTasks(split);
    const lo = Math.max(0, start);
    const hi = Math.min(n, stop);
    if (this.environment.tasks.range) return await this.environment.tasks.range(split, lo, hi);
    const out: JsonObject[] = [];
    for (let i = lo; i < hi; i++) out.push(await this.environment.tasks.get(split, i));
    return out;
  }

  async open(task: JsonObject, signal: AbortSignal): Promise<EpisodeTarget> {
    const sessionId = randomUUID();
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let episode: Episode<unknown>;
    try {
      episode = await this.environment.open({ task, secrets: {}, sessionId, signal: controller.signal });
    } catch (err) {
      signal.removeEventListener('abort', onAbort);
      throw new EnvFault(`environment setup failed: ${(err as Error).message}`);
    }
    const tools = [...this.environment.tools, ...(episode.tools ?? [])];
    const byName = new Map(tools.map((t) => [t.name, t]));
    let closed = false;
    return {
      prompt: async () => {
        try {
          return await episode.prompt();
        } catch (err) {
          throw new EnvFault(`prompt failed: ${(err as Error).message}`);
        }
      },
      tools: async () => tools.map(specOf),
      call: async (name, input) => {
        const tool = byName.get(name);
        if (!tool) return { ok: false, error: `'${name}' is not a valid tool` };
        const problem = this.validate(tool, input);
        if (problem) return { ok: false, error: `Tool input validation error: ${problem}` };
        try {
          const output = await tool.run((tool.input === null ? {} : input) as never, episode.state, { signal: controller.signal, sessionId });
          return { ok: true, output } satisfies RunToolOutput;
        } catch (err) {
          if (err instanceof ToolError) return { ok: false, error: err.message };
          throw new EnvFault(`tool ${name} failed in the environment: ${(err as Error).message}`);
        }
      },
      close: async () => {
        if (closed) return;
        closed = true;
        signal.removeEventListener('abort', onAbort);
        controller.abort(new Error('episode closed'));
        await episode.close?.();
      },
    };
  }

  private validate(tool: Tool<any, any>, input: JsonObject): string | null {
    if (tool.input === null) return null;
    let fn = this.validators.get(tool);
    if (!fn) {
      fn = this.ajv.compile(JSON.parse(JSON.stringify(tool.input)) as object);
      this.validators.set(tool, fn);
    }
    if (fn(input)) return null;
    return (fn.errors ?? []).map((e) => `${e.instancePath || '(input)'} ${e.message ?? 'invalid'}`).join('; ');
  }

  async close() {
    await this.environment.dispose?.();
  }
}
