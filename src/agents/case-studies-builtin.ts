// Built-in agents for `case-studies`: the case's reference analysis (which recovers the
// truth) and its realistic mistakes (the trap matrix, `naive` in the case: the careful pipeline
// with one step skipped or done the common wrong way): `naive` is the first, `naive-<k>` the
// k-th. The serving rule no longer guarantees that a mistake fails on every instance (a case
// with accept() is served on data properties), so "expected: fails" is statistical: each
// mistake fails on >= 95% of served instances (bench:cases) and on every CI seed (the test
// seeds case-checks.ts checks). Each agent rebuilds the task's instance from its public spec
// (case id and seed; generation is deterministic) and analyses the same files the agent's
// workspace holds — never the truth — then submits through the episode loop like any agent.

import { filesMap } from '../envs/case-studies/framework/generate.js';
import { servedInstances } from '../envs/case-studies/framework/instance-cache.js';
import { caseStudies, findCase } from '../envs/case-studies/cases.js';
import { answerToWire } from '../grading/json-answer.js';
import type { Analysis, CaseStudy } from '../envs/case-studies/types.js';
import { defineCallbackAgent, type AgentContext, type ScriptedAgent } from './types.js';

function caseOf(ctx: AgentContext): { cs: CaseStudy; seed: number } {
  const id = ctx.task.case;
  const seed = ctx.task.seed;
  const cs = typeof id === 'string' ? findCase(id) : undefined;
  if (!cs || typeof seed !== 'number') throw new Error(`not a case-studies task: ${JSON.stringify(ctx.task)}`);
  return { cs, seed };
}

function analysisAgent(name: string, description: string, pick: (cs: CaseStudy) => { analyse: Analysis; reasoning: string }): ScriptedAgent {
  return defineCallbackAgent({
    name,
    envs: ['case-studies'],
    description,
    run: async (ctx, call) => {
      const { cs, seed } = caseOf(ctx);
      const instance = await servedInstances.get(cs, seed);
      const { analyse, reasoning } = pick(cs);
      const answer = await analyse(filesMap(instance));
      await call('submit_answer', { response: JSON.stringify({ answer: answerToWire(cs.answerSchema, answer), reasoning }) });
    },
  });
}

export const caseStudyAgents: ScriptedAgent[] = [
  analysisAgent('reference', "the case's reference analysis on the workspace files (expected: passes)", (cs) => ({
    analyse: cs.reference,
    reasoning: `Built-in reference analysis for ${cs.id}.`,
  })),
  analysisAgent('naive', "the case's first realistic mistake, which falls into a planted trap (expected: fails on >= 95% of instances)", (cs) => naiveOf(cs, 1)),
  ...Array.from({ length: Math.max(0, ...caseStudies.map((c) => c.naive.length)) }, (_, i) =>
    analysisAgent(`naive-${i + 1}`, `the case's realistic mistake number ${i + 1}, which falls into a planted trap (expected: fails on >= 95% of instances)`, (cs) => naiveOf(cs, i + 1)),
  ),
];

function naiveOf(cs: CaseStudy, k: number): { analyse: Analysis; reasoning: string } {
  const n = cs.naive[k - 1];
  if (!n) throw new Error(`case ${cs.id} has ${cs.naive.length} realistic mistakes, not ${k}`);
  return { analyse: n.analyse, reasoning: `Built-in realistic mistake "${n.name}" (trap: ${n.trap}).` };
}
