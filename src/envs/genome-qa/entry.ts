// Registry entry for `genome-qa`: opens the assembly (building the demo on first use) only
// when the environment is served. Settings (--env-opt): seed, train_size, test_size,
// domains (comma list), live_fetch (true/false), tools (+python: a run_python sandbox).

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

/** The --env-opt keys genome-qa reads, with what each takes. */
export const GENOME_QA_SETTINGS: Record<string, string> = {
  seed: 'a non-negative integer',
  train_size: 'a positive integer',
  test_size: 'a positive integer',
  domains: 'a comma list of domains',
  live_fetch: 'true or false',
  tools: '+python',
};

/** Values of --env-opt tools: extra tools beyond the seed's contract (none by default). */
export const GENOME_QA_EXTRA_TOOLS = ['+python'] as const;

const validList = () => Object.entries(GENOME_QA_SETTINGS).map(([k, v]) => `${k} (${v})`).join(', ');

/** Unknown keys and bad values are errors that name the valid ones (a typo never goes unnoticed). */
export function checkGenomeQaSettings(settings: Record<string, string>): void {
  const unknown = Object.keys(settings).filter((k) => !(k in GENOME_QA_SETTINGS));
  if (unknown.length) {
    const hint = unknown.includes('assembly') ? ' (choose the assembly with --assembly)' : '';
    throw new Error(`genome-qa: unknown --env-opt ${unknown.map((k) => JSON.stringify(k)).join(', ')}${hint}; valid settings: ${validList()}`);
  }
  const lf = settings.live_fetch;
  if (lf !== undefined && !['true', 'false', '1', '0'].includes(lf)) {
    throw new Error(`genome-qa: --env-opt live_fetch must be true or false (got ${JSON.stringify(lf)}); valid settings: ${validList()}`);
  }
  const tools = settings.tools;
  if (tools !== undefined && !(GENOME_QA_EXTRA_TOOLS as readonly string[]).includes(tools)) {
    throw new Error(`genome-qa: --env-opt tools must be one of ${GENOME_QA_EXTRA_TOOLS.join(', ')} (got ${JSON.stringify(tools)}); valid settings: ${validList()}`);
  }
}

function intSetting(settings: Record<string, string>, key: string, min = 0): number | undefined {
  const raw = settings[key];
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < min) {
    throw new Error(`genome-qa: --env-opt ${key} must be ${GENOME_QA_SETTINGS[key]} (got ${JSON.stringify(raw)}); valid settings: ${validList()}`);
  }
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
  checkGenomeQaSettings(settings);
  const seed = intSetting(settings, 'seed');
  const trainSize = intSetting(settings, 'train_size', 1);
  const testSize = intSetting(settings, 'test_size', 1);
  const domains = settings.domains?.split(',').map((d) => d.trim()).filter(Boolean);
  if (settings.domains !== undefined && !domains?.length) throw new Error(`genome-qa: --env-opt domains is empty (known: ${DOMAINS.join(', ')})`);
  for (const d of domains ?? []) if (!(DOMAINS as readonly string[]).includes(d)) throw new Error(`genome-qa: unknown domain ${d} (known: ${DOMAINS.join(', ')})`);
  const python = settings.tools === '+python' ? await pythonSandbox(opts.sandbox ?? 'bwrap') : null;
  const name = opts.assembly ?? 'demo';
  const asm = name === 'demo' ? await openAssembly(await ensureDemoAssembly({ home: opts.home })) : await openAssembly(name, { home: opts.home });
  const env = createGenomeQaEnvironment({
    assembly: asm,
    seed,
    trainSize,
    testSize,
    domains: domains as never,
    liveFetch: settings.live_fetch === 'true' || settings.live_fetch === '1',
    python,
  });
  for (const u of env.generator.unsupported) {
    if (!domains || domains.includes(u.domain)) console.warn(`genome-qa: warning: no ${u.domain} questions: ${u.reason}`);
  }
  return Object.assign(env, {
    exportRows: (split: string, start: number, stop: number) => exportRows(env.generator, split, start, stop),
    dispose: async () => asm.close(),
  });
}

/** Refuses, before any assembly is opened, to offer run_python where it cannot run isolated. */
async function pythonSandbox(mode: 'bwrap' | 'none'): Promise<{ sandbox: 'bwrap' | 'none' }> {
  const { assertSandboxUsable, probePythonToolchain } = await import('../../sandbox/index.js');
  await assertSandboxUsable(mode);
  if (mode === 'bwrap') {
    const py = await probePythonToolchain();
    if (!py.ok) throw new Error(`genome-qa: tools=+python needs python3 with numpy/scipy/pandas/statsmodels in the sandbox (${py.detail})`);
  }
  return { sandbox: mode };
}

export const genomeQaEntry: EnvironmentEntry = {
  name: 'genome-qa',
  description: 'Genome QA (NCBIGenomeTrain kind): 10 domains of generated questions on an assembly, answered with web_search/fetch_url against an offline UCSC/NCBI mirror',
  load: loadGenomeQa,
};
