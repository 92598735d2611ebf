// Registry of built-in scripted agents (`genegym eval --agent <name>`). An agent name may be
// shared by several environments (every environment has its own `oracle`). Each environment's
// agents load on demand, so running arithmetic never loads the case studies.

import { defineScriptedAgent, type ScriptedAgent } from './types.js';

/** Stops at once without calling a tool: the floor any agent must beat (expected: 0%). */
export const giveUp = defineScriptedAgent({
  name: 'give-up',
  envs: ['*'],
  description: 'calls no tool and stops (expected: 0%, every episode "not finished")',
  async *plan() {},
});

const loaders: Record<string, () => Promise<ScriptedAgent[]>> = {
  arithmetic: async () => {
    const m = await import('./arithmetic.js');
    return [m.arithmeticSolver, m.arithmeticWrong];
  },
  'genome-qa': async () => (await import('./genome-qa-builtin.js')).genomeQaAgents,
  'case-studies': async () => (await import('./case-studies-builtin.js')).caseStudyAgents,
};

const registered: ScriptedAgent[] = [giveUp];

/** Adds agents (environment areas register theirs here). Names must be unique per env. */
export function registerBuiltinAgents(agents: ScriptedAgent[]): void {
  for (const a of agents) {
    const clash = registered.find((b) => b.name === a.name && b.envs.some((e) => a.envs.includes(e)));
    if (clash === a) continue;
    if (clash) throw new Error(`built-in agent ${a.name} is already registered for ${clash.envs.join(', ')}`);
    registered.push(a);
  }
}

const loaded = new Map<string, Promise<void>>();

/** Loads the agents of `env` (once) into the registry. */
async function loadFor(env: string): Promise<void> {
  const load = loaders[env];
  if (!load) return;
  if (!loaded.has(env)) loaded.set(env, load().then(registerBuiltinAgents));
  await loaded.get(env);
}

/** Every built-in agent, with every environment's agents loaded. */
export async function builtinAgents(): Promise<readonly ScriptedAgent[]> {
  await Promise.all(Object.keys(loaders).map(loadFor));
  return registered;
}

export async function findBuiltinAgent(name: string, env: string): Promise<ScriptedAgent> {
  const e = env.toLowerCase();
  await loadFor(e);
  const found = registered.find((a) => a.name === name && a.envs.includes(e)) ?? registered.find((a) => a.name === name && a.envs.includes('*'));
  if (found) return found;
  const forEnv = registered.filter((a) => a.envs.includes(e) || a.envs.includes('*')).map((a) => a.name);
  throw new Error(`no built-in agent "${name}" for environment ${env}; available: ${[...new Set(forEnv)].join(', ') || '(none)'}`);
}
