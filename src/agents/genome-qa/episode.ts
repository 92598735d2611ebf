// Drives one genome-qa episode in-process: open, read the prompt, call tools by name with the
// same ok/error semantics as ORS `/call`. The evaluation runner can wrap these agents later.

import type { Episode, Tool } from '../../ors/environment.js';
import { ToolError } from '../../ors/environment.js';
import type { JsonObject, RunToolOutput } from '../../ors/types.js';
import type { GenomeQaEnvironment, GenomeQaState } from '../../envs/genome-qa/environment.js';

export interface AgentResult {
  taskId: string;
  domain: string;
  reward: number;
  verdict: string;
  calls: number;
  submitted: unknown;
  error?: string;
}

export class InProcessEpisode {
  readonly env: GenomeQaEnvironment;
  readonly spec: JsonObject;
  private episode!: Episode<GenomeQaState>;
  private controller = new AbortController();
  calls = 0;
  /** every call and its result, in order (logs as data; the leak tests scan it) */
  readonly transcript: { name: string; input: Record<string, unknown>; result: RunToolOutput }[] = [];
  lastReward: number | null = null;
  finished = false;

  private constructor(env: GenomeQaEnvironment, spec: JsonObject) {
    this.env = env;
    this.spec = spec;
  }

  static async open(env: GenomeQaEnvironment, spec: JsonObject, secrets: Record<string, string> = {}): Promise<InProcessEpisode> {
    const ep = new InProcessEpisode(env, spec);
    ep.episode = await env.open({ task: spec, secrets, sessionId: `inproc-${String(spec.id)}`, signal: ep.controller.signal });
    return ep;
  }

  async prompt(): Promise<string> {
    const blocks = await this.episode.prompt();
    return blocks.map((b) => (b.type === 'text' ? b.text : '')).join('\n');
  }

  async call(name: string, input: Record<string, unknown>): Promise<RunToolOutput> {
    const tool = [...this.env.tools, ...(this.episode.tools ?? [])].find((t: Tool<any, GenomeQaState>) => t.name === name);
    if (!tool) return { ok: false, error: `'${name}' is not a valid tool` };
    this.calls++;
    try {
      const output = await tool.run(input as never, this.episode.state, { signal: this.controller.signal, sessionId: 'inproc' });
      if (output.finished) this.finished = true;
      this.lastReward = output.reward;
      const result: RunToolOutput = { ok: true, output };
      this.transcript.push({ name, input, result });
      return result;
    } catch (err) {
      if (!(err instanceof ToolError)) throw err;
      const result: RunToolOutput = { ok: false, error: err.message };
      this.transcript.push({ name, input, result });
      return result;
    }
  }

  get state(): GenomeQaState {
    return this.episode.state;
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.episode.close?.();
  }
}

/** Submits and packages the result. */
export async function submit(ep: InProcessEpisode, answer: unknown, explanation: string): Promise<AgentResult> {
  const r = await ep.call('submit_answer', { answer, explanation });
  const verdict = r.ok ? String((r.output.metadata as JsonObject | null)?.verdict ?? '') : 'error';
  return {
    taskId: String(ep.spec.id),
    domain: String(ep.spec.domain),
    reward: r.ok ? (r.output.reward ?? 0) : 0,
    verdict,
    calls: ep.calls,
    submitted: answer,
    ...(r.ok ? {} : { error: r.error }),
  };
}
