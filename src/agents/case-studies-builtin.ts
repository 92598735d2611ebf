// Built-in agents for `case-studies`: the case's reference analysis (which recovers the
// truth) and its first naive analysis (which falls into a planted trap). Each rebuilds the
// task's instance from its public spec (case id and seed; generation is deterministic) and
// analyses the same files the agent's workspace holds — never the truth — then submits
// through the episode loop like any agent.

import { generate, filesMap } from '../envs/case-studies/framework/generate.js';
import { findCase } from '../envs/case-studies/cases.js';
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
      const instance = await generate(cs, seed);
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
  analysisAgent('naive', "the case's first naive analysis, which falls into a planted trap (expected: fails)", (cs) => {
    const n = cs.naive[0];
    if (!n) throw new Error(`case ${cs.id} has no naive analysis`);
    return { analyse: n.analyse, reasoning: `Built-in naive analysis "${n.name}" (trap: ${n.trap}).` };
  }),
];
