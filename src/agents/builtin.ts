// Registry of built-in scripted agents (`genegym eval --agent <name>`). An agent name may be
// shared by several environments (every environment has its own `oracle`).

import { arithmeticSolver, arithmeticWrong } from './arithmetic.js';
import { caseStudyAgents } from './case-studies-builtin.js';
import { genomeQaAgents } from './genome-qa-builtin.js';
import { defineScriptedAgent, type ScriptedAgent } from './types.js';

/** Stops at once without calling a tool: the floor any agent must beat (expected: 0%). */
export const giveUp = defineScriptedAgent({
  name: 'give-up',
  envs: ['*'],
  description: 'calls no tool and stops (expected: 0%, every episode "not finished")',
  async *plan() {},
});

const registry: ScriptedAgent[] = [arithmeticSolver, arithmeticWrong, ...genomeQaAgents, ...caseStudyAgents, giveUp];

/** Adds agents (environment areas register theirs here). Names must be unique per env. */
export function registerBuiltinAgents(agents: ScriptedAgent[]): void {
  for (const a of agents) {
    const clash = registry.find((b) => b.name === a.name && b.envs.some((e) => a.envs.includes(e)));
    if (clash === a) continue;
    if (clash) throw new Error(`built-in agent ${a.name} is already registered for ${clash.envs.join(', ')}`);
    registry.push(a);
  }
}

export function builtinAgents(): readonly ScriptedAgent[] {
  return registry;
}

export function findBuiltinAgent(name: string, env: string): ScriptedAgent {
  const e = env.toLowerCase();
  const found = registry.find((a) => a.name === name && a.envs.includes(e)) ?? registry.find((a) => a.name === name && a.envs.includes('*'));
  if (found) return found;
  const forEnv = registry.filter((a) => a.envs.includes(e) || a.envs.includes('*')).map((a) => a.name);
  throw new Error(`no built-in agent "${name}" for environment ${env}; available: ${[...new Set(forEnv)].join(', ') || '(none)'}`);
}
