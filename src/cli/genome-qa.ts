// `genegym genome-qa solve`: run one of the scripted genome-qa agents over a split and print
// its score (the solvability proof for an assembly: the tool-only solver should score 100%).

import { InvalidArgumentError, type Command } from 'commander';

export function registerGenomeQaCommands(program: Command): void {
  const gq = program.command('genome-qa').description('Genome QA environment utilities');
  gq.command('solve')
    .description('Run a scripted agent (tool-only solver, oracle or wrong-answer) over a genome-qa split and print the score')
    .option('--assembly <name>', 'assembly name or directory', 'demo')
    .option('--split <name>', 'train or test', 'train')
    .option('--agent <name>', 'tool (only env tools), oracle (answer key), wrong (wrong answers)', 'tool')
    .option('--limit <n>', 'first n tasks only', (raw) => {
      if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new InvalidArgumentError('--limit must be a positive integer');
      return Number(raw);
    })
    .option('--env-opt <key=value>', 'environment setting (repeatable), e.g. seed=7', (raw: string, prev: Record<string, string> = {}) => {
      const eq = raw.indexOf('=');
      if (eq <= 0) throw new InvalidArgumentError(`expected key=value (got ${JSON.stringify(raw)})`);
      return { ...prev, [raw.slice(0, eq)]: raw.slice(eq + 1) };
    })
    .action(async (flags: { assembly: string; split: string; agent: string; limit?: number; envOpt?: Record<string, string> }) => {
      const { loadGenomeQa } = await import('../envs/genome-qa/entry.js');
      const agents = await import('../agents/genome-qa/index.js');
      const agent = { tool: agents.runToolSolver, oracle: agents.runOracle, wrong: agents.runWrongAnswer }[flags.agent];
      if (!agent) throw new Error(`unknown agent ${flags.agent} (tool, oracle, wrong)`);
      const env = (await loadGenomeQa({ assembly: flags.assembly, settings: flags.envOpt ?? {} })) as import('../envs/genome-qa/environment.js').GenomeQaEnvironment;
      try {
        const total = Math.min(await env.tasks.count(flags.split), flags.limit ?? Infinity);
        const t0 = Date.now();
        const byDomain = new Map<string, [number, number]>();
        const failures: string[] = [];
        for (let i = 0; i < total; i++) {
          const r = await agent(env, flags.split, i);
          const d = byDomain.get(r.domain) ?? [0, 0];
          byDomain.set(r.domain, [d[0] + r.reward, d[1] + 1]);
          if (r.reward !== 1 && failures.length < 10) failures.push(`${r.taskId} ${r.verdict}${r.error ? `: ${r.error}` : ''}`);
        }
        const ok = [...byDomain.values()].reduce((a, [x]) => a + x, 0);
        for (const [d, [x, n]] of byDomain) console.log(`${d.padEnd(24)} ${x}/${n}`);
        console.log(`${flags.agent} agent on ${env.name} ${flags.split} (${flags.assembly}): ${ok}/${total} = ${((100 * ok) / Math.max(1, total)).toFixed(1)}% in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        for (const f of failures) console.log(`  failed: ${f}`);
      } finally {
        await env.dispose?.();
      }
    });
}
