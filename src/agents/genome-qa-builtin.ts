// The genome-QA helper's scripted agents (src/agents/genome-qa/), run through the shared
// episode loop. They are written against a GenomeQaEnvironment; here they get a stand-in
// whose tools forward every call to the loop, so each call reaches the real environment
// (in-process or over ORS), is validated and is recorded like any agent's call.

import { ToolError, type Tool } from '../ors/environment.js';
import type { JsonObject } from '../ors/types.js';
import type { GenomeQaEnvironment } from '../envs/genome-qa/environment.js';
import { runOracle, runToolSolver, runWrongAnswer } from './genome-qa/index.js';
import { defineCallbackAgent, type AgentContext, type ScriptedAgent } from './types.js';

type Call = Parameters<Parameters<typeof defineCallbackAgent>[0]['run']>[1];

function standIn(ctx: AgentContext, call: Call, needsKey: boolean): GenomeQaEnvironment {
  const real = ctx.localEnvironment as GenomeQaEnvironment | undefined;
  if (needsKey && (!real || typeof real.answerKey !== 'function')) {
    throw new Error('this agent reads the answer key, so it needs the environment in-process (drop --server)');
  }
  const tools: Tool<null, unknown>[] = ctx.tools.map((spec) => ({
    name: spec.name,
    description: spec.description,
    input: null,
    run: async (input: unknown) => {
      const out = await call(spec.name, (input ?? {}) as JsonObject);
      if (!out.ok) throw new ToolError(out.error); // the episode wrapper turns it back into ok:false
      return out.output;
    },
  }));
  const env = {
    name: ctx.env,
    splits: [],
    tools,
    tasks: { count: () => ctx.taskIndex + 1, get: () => ctx.task },
    open: () => ({ state: {}, prompt: () => ctx.prompt }),
    answerKey: (split: string, index: number) => real!.answerKey(split, index),
  };
  return env as unknown as GenomeQaEnvironment;
}

export const genomeQaAgents: ScriptedAgent[] = [
  defineCallbackAgent({
    name: 'solver',
    envs: ['genome-qa'],
    description: 'answers from the environment\'s own tools only (web_search / fetch_url on the UCSC/NCBI mirror)',
    run: async (ctx, call) => {
      await runToolSolver(standIn(ctx, call, false), ctx.split, ctx.taskIndex);
    },
  }),
  defineCallbackAgent({
    name: 'oracle',
    envs: ['genome-qa'],
    inProcessOnly: true,
    description: 'test-only: submits the server-side answer key (in-process only; expected 100%)',
    run: async (ctx, call) => {
      await runOracle(standIn(ctx, call, true), ctx.split, ctx.taskIndex);
    },
  }),
  defineCallbackAgent({
    name: 'wrong',
    envs: ['genome-qa'],
    inProcessOnly: true,
    description: 'test-only: submits a plausible wrong variant of every field (in-process only; expected 0%)',
    run: async (ctx, call) => {
      await runWrongAnswer(standIn(ctx, call, true), ctx.split, ctx.taskIndex);
    },
  }),
];
