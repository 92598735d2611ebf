// The episode loop shared by every agent: open the episode, show the prompt and tools, then
// alternate agent turns and tool calls until a tool says the episode is finished, the agent
// stops, or a turn, token or time limit is reached. Every step is recorded.

import type { JsonObject, RunToolOutput } from '../ors/types.js';
import type { Usage } from '../models/types.js';
import { EnvFault, type EnvDriver, type EpisodeTarget } from './target.js';
import type { TranscriptEvent } from './transcript.js';
import type { Agent, AgentContext, EndReason, ToolResult } from './types.js';

export interface EpisodeLimits {
  maxTurns: number;
  /** Agent tokens (input + output) over the whole episode. */
  maxTokens?: number;
  /** Wall-clock limit of the episode. */
  timeLimitMs?: number;
}

export type { EndReason };

export interface EpisodeResult {
  endReason: EndReason;
  finished: boolean;
  /** Reward of the output that finished the episode; otherwise the last reward seen, or null. */
  reward: number | null;
  /** Sum of every reward the tools gave along the way (per-step rewards), or null when none did. */
  rewardSum: number | null;
  /** Metadata of the finishing output (verdicts, domains, judge usage). */
  finalMetadata: JsonObject | null;
  turns: number;
  toolCalls: number;
  invalidCalls: number;
  usage: Usage;
  modelCalls: number;
  error: string | null;
  transcript: TranscriptEvent[];
  durationMs: number;
}

export interface RunEpisodeInput {
  agent: Agent;
  driver: EnvDriver;
  task: JsonObject;
  ctx: Omit<AgentContext, 'prompt' | 'tools' | 'signal' | 'task'>;
  limits: EpisodeLimits;
  signal?: AbortSignal;
}

class LimitReached extends Error {}

export async function runEpisode(input: RunEpisodeInput): Promise<EpisodeResult> {
  const start = performance.now();
  const since = () => Math.round(performance.now() - start);
  const transcript: TranscriptEvent[] = [];
  const usage: Usage = { inputTokens: 0, outputTokens: 0 };
  const result: EpisodeResult = {
    endReason: 'agent_stopped',
    finished: false,
    reward: null,
    rewardSum: null,
    finalMetadata: null,
    turns: 0,
    toolCalls: 0,
    invalidCalls: 0,
    usage,
    modelCalls: 0,
    error: null,
    transcript,
    durationMs: 0,
  };

  const controller = new AbortController();
  const outer = input.signal;
  const onOuterAbort = () => controller.abort(new Error('aborted'));
  if (outer?.aborted) onOuterAbort();
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  let timedOut = false;
  const timer =
    input.limits.timeLimitMs !== undefined
      ? setTimeout(() => {
          timedOut = true;
          controller.abort(new LimitReached('time limit'));
        }, input.limits.timeLimitMs)
      : null;
  const signal = controller.signal;
  let target: EpisodeTarget | null = null;
  let stage: 'env' | 'agent' = 'env';

  try {
    target = await raceAbort(input.driver.open(input.task, signal), signal);
    const prompt = await raceAbort(target.prompt(), signal);
    const tools = await raceAbort(target.tools(), signal);
    transcript.push({ t: since(), kind: 'prompt', blocks: prompt, tools });
    stage = 'agent';
    const session = await input.agent.start({ ...input.ctx, task: input.task, prompt, tools, signal, localEnvironment: input.driver.localEnvironment });
    let results: ToolResult[] = [];
    const toolNames = new Set(tools.map((t) => t.name));

    for (;;) {
      if (result.turns >= input.limits.maxTurns) {
        result.endReason = 'turn_limit';
        break;
      }
      stage = 'agent';
      const turnStart = performance.now();
      const step = await raceAbort(session.step(results), signal);
      result.turns++;
      if (step.usage) {
        usage.inputTokens += step.usage.inputTokens;
        usage.outputTokens += step.usage.outputTokens;
        if (!step.cached) result.modelCalls += step.attempts ?? 1;
      }
      transcript.push({
        t: since(),
        kind: 'agent',
        turn: result.turns,
        ms: Math.round(performance.now() - turnStart),
        text: step.text,
        messages: step.messages,
        calls: step.calls.map((c) => ({ id: c.id, name: c.name, input: c.input, ...(c.parseError ? { parseError: c.parseError } : {}) })),
        usage: step.usage,
        model: step.modelId,
        cached: step.cached,
        attempts: step.attempts,
        stopReason: step.stopReason,
      });
      if (step.calls.length === 0) {
        result.endReason = 'agent_stopped';
        break;
      }
      results = [];
      let finished = false;
      stage = 'env';
      for (const call of step.calls) {
        const callStart = performance.now();
        let output: RunToolOutput;
        if (call.parseError) {
          result.invalidCalls++;
          output = { ok: false, error: `Tool input validation error: ${call.parseError}` };
        } else {
          // Unknown names are still sent: the environment decides what is a tool.
          output = await raceAbort(target.call(call.name, call.input, signal), signal);
          if (!output.ok && (!toolNames.has(call.name) || output.error.startsWith('Tool input validation error'))) result.invalidCalls++;
        }
        result.toolCalls++;
        transcript.push({ t: since(), kind: 'tool', turn: result.turns, ms: Math.round(performance.now() - callStart), callId: call.id, name: call.name, output });
        results.push({ call, output });
        if (output.ok) {
          if (output.output.reward !== null) {
            result.reward = output.output.reward;
            result.rewardSum = (result.rewardSum ?? 0) + output.output.reward;
          }
          if (output.output.finished) {
            finished = true;
            result.finalMetadata = output.output.metadata;
            break; // later calls of the same turn are not run once the episode is over
          }
        }
      }
      if (finished) {
        result.finished = true;
        result.endReason = 'finished';
        break;
      }
      if (input.limits.maxTokens !== undefined && usage.inputTokens + usage.outputTokens >= input.limits.maxTokens) {
        result.endReason = 'token_limit';
        break;
      }
    }
  } catch (err) {
    if (timedOut) result.endReason = 'time_limit';
    else if (outer?.aborted) result.endReason = 'aborted';
    else {
      const isEnv = err instanceof EnvFault || stage === 'env';
      result.endReason = isEnv ? 'env_error' : 'agent_error';
      result.error = err instanceof Error ? err.message : String(err);
      transcript.push({ t: since(), kind: 'error', where: isEnv ? 'env' : 'agent', message: result.error });
    }
  } finally {
    if (timer) clearTimeout(timer);
    outer?.removeEventListener('abort', onOuterAbort);
    if (target) await target.close().catch(() => undefined);
    result.durationMs = since();
  }
  return result;
}

/** Rejects as soon as the signal aborts, even if the awaited work ignores the signal. */
function raceAbort<T>(work: Promise<T> | T, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(work).then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
