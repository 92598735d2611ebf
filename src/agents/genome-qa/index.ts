export { InProcessEpisode, submit, type AgentResult } from './episode.js';
export { runOracle, runWrongAnswer, perturb } from './oracle.js';
export { runToolSolver } from './solver.js';

import type { GenomeQaEnvironment } from '../../envs/genome-qa/environment.js';
import type { AgentResult } from './episode.js';

export type GenomeQaAgent = (env: GenomeQaEnvironment, split: string, index: number) => Promise<AgentResult>;

/** Runs an agent over tasks [0, n) of a split and summarises the score. */
export async function runAgentOnSplit(env: GenomeQaEnvironment, agent: GenomeQaAgent, split: string, n?: number): Promise<{ results: AgentResult[]; mean: number }> {
  const total = n ?? (await env.tasks.count(split));
  const results: AgentResult[] = [];
  for (let i = 0; i < total; i++) results.push(await agent(env, split, i));
  return { results, mean: results.reduce((a, r) => a + r.reward, 0) / Math.max(1, results.length) };
}
