// Registry entry of the built-in example environment.

// The environment's module (typebox schemas and all) loads only when it is served or listed.
import type { EnvironmentEntry, EnvOptions } from '../registry-types.js';

/** `--env-opt seed=7 --env-opt train_size=500` and so on. */
function sizesFrom(settings: Record<string, string>) {
  const sizes: Record<string, number> = {};
  for (const split of ['train', 'validation', 'test']) {
    const raw = settings[`${split}_size`];
    if (raw !== undefined) sizes[split] = integerSetting(`${split}_size`, raw);
  }
  return sizes;
}

function integerSetting(name: string, raw: string): number {
  if (!/^\d+$/.test(raw)) throw new Error(`arithmetic: ${name} must be a non-negative integer (got ${JSON.stringify(raw)})`);
  return Number(raw);
}

export const arithmeticEntry: EnvironmentEntry = {
  name: 'arithmetic',
  description: 'Built-in example: generated multi-step arithmetic word problems, calculator tool, reward 1/0 (settings: seed, train_size, validation_size, test_size, tool_delay_ms)',
  async load(opts: EnvOptions) {
    const settings = opts.settings ?? {};
    const { arithmeticEnvironment } = await import('./arithmetic.js');
    return arithmeticEnvironment({
      seed: settings.seed === undefined ? undefined : integerSetting('seed', settings.seed),
      sizes: sizesFrom(settings),
      toolDelayMs: settings.tool_delay_ms === undefined ? undefined : integerSetting('tool_delay_ms', settings.tool_delay_ms),
    });
  },
};
