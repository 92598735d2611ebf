// Registry entry for `genome-qa`: opens the assembly (building the demo on first use) only
// when the environment is served. Settings (--env-opt): seed, train_size, test_size,
// domains (comma list), live_fetch (true/false).

import type { Environment } from '../../ors/environment.js';
import type { EnvironmentEntry, EnvOptions } from '../registry-types.js';
import type { JsonObject } from '../../ors/types.js';

/** Environments that can export their tasks with answers (`genegym tasks --export`). */
export interface AnswerExporter {
  exportRows(split: string, start: number, stop: number): AsyncIterable<JsonObject>;
}

export function hasAnswerExporter(env: Environment): env is Environment & AnswerExporter {
  return typeof (env as Partial<AnswerExporter>).exportRows === 'function';
}

function intSetting(settings: Record<string, string>, key: string): number | undefined {
  const raw = settings[key];
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new Error(`genome-qa: --env-opt ${key} must be a non-negative integer (got ${JSON.stringify(raw)})`);
  return Number(raw);
}

export async function loadGenomeQa(opts: EnvOptions): Promise<Environment> {
  const [{ openAssembly }, { ensureDemoAssembly }, { createGenomeQaEnvironment }, { exportRows }, { DOMAINS }] = await Promise.all([
    import('../../genome/assembly.js'),
    import('../../genome/demo/index.js'),
    import('./environment.js'),
    import('./export.js'),
    import('./types.js'),
  ]);
  const settings = opts.settings ?? {};
  const name = opts.assembly ?? 'demo';
  const asm = name === 'demo' ? await openAssembly(await ensureDemoAssembly({ home: opts.home })) : await openAssembly(name, { home: opts.home });
  const domains = settings.domains?.split(',').map((d) => d.trim()).filter(Boolean);
  for (const d of domains ?? []) if (!(DOMAINS as readonly string[]).includes(d)) throw new Error(`genome-qa: unknown domain ${d} (known: ${DOMAINS.join(', ')})`);
  const env = createGenomeQaEnvironment({
    assembly: asm,
    seed: intSetting(settings, 'seed'),
    trainSize: intSetting(settings, 'train_size'),
    testSize: intSetting(settings, 'test_size'),
    domains: domains as never,
    liveFetch: settings.live_fetch === 'true' || settings.live_fetch === '1',
  });
  return Object.assign(env, {
    exportRows: (split: string, start: number, stop: number) => exportRows(env.generator, split, start, stop),
    dispose: async () => asm.close(),
  });
}

export const genomeQaEntry: EnvironmentEntry = {
  name: 'genome-qa',
  description: 'Genome QA (NCBIGenomeTrain kind): 10 domains of generated questions on an assembly, answered with web_search/fetch_url against an offline UCSC/NCBI mirror',
  load: loadGenomeQa,
};
