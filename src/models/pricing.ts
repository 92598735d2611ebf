// Token and cost accounting. Prices are USD per million tokens, looked up by model id
// (`provider:model`, then bare model name, then the longest matching prefix). Unknown models
// have cost null — shown as "unpriced", never as $0.

import { readFileSync } from 'node:fs';
import type { Usage } from './types.js';
import { emptyRoleUsage, type RoleUsage, type UsageRole } from './usage.js';

export interface Price {
  inputPerMTok: number;
  outputPerMTok: number;
}

export type PriceTable = Record<string, Price>;

/** List prices as published by the providers when this table was written; override with --prices. */
export const DEFAULT_PRICES: PriceTable = {
  'openai:gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  'openai:gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'openai:gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  'anthropic:claude-3-5-haiku': { inputPerMTok: 0.8, outputPerMTok: 4 },
  'anthropic:claude-3-5-sonnet': { inputPerMTok: 3, outputPerMTok: 15 },
};

export function loadPriceTable(path: string | undefined, base: PriceTable = DEFAULT_PRICES): PriceTable {
  if (!path) return { ...base };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read price table ${path}: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object') throw new Error(`price table ${path} must be a JSON object`);
  const table: PriceTable = { ...base };
  for (const [model, p] of Object.entries(parsed as Record<string, unknown>)) {
    const price = p as Partial<Price>;
    if (typeof price?.inputPerMTok !== 'number' || typeof price?.outputPerMTok !== 'number') {
      throw new Error(`price table ${path}: ${model} needs numeric inputPerMTok and outputPerMTok`);
    }
    table[model] = { inputPerMTok: price.inputPerMTok, outputPerMTok: price.outputPerMTok };
  }
  return table;
}

export function priceOf(table: PriceTable, modelId: string): Price | null {
  if (table[modelId]) return table[modelId];
  const bare = modelId.includes(':') ? modelId.slice(modelId.indexOf(':') + 1) : modelId;
  if (table[bare]) return table[bare];
  let best: string | null = null;
  for (const key of Object.keys(table)) {
    if ((modelId.startsWith(key) || bare.startsWith(key)) && (best === null || key.length > best.length)) best = key;
  }
  return best === null ? null : table[best];
}

export function costOf(table: PriceTable, modelId: string, usage: Usage): number | null {
  const p = priceOf(table, modelId);
  if (!p) return null;
  return (usage.inputTokens * p.inputPerMTok + usage.outputTokens * p.outputPerMTok) / 1e6;
}

/** Adds tokens for one role; agent and judge usage are kept apart. */
export class UsageMeter {
  readonly byRole: Record<UsageRole, RoleUsage> = { agent: emptyRoleUsage(), judge: emptyRoleUsage() };
  constructor(private readonly prices: PriceTable = DEFAULT_PRICES) {}

  add(role: UsageRole, modelId: string, usage: Usage): void {
    const r = this.byRole[role];
    r.inputTokens += usage.inputTokens;
    r.outputTokens += usage.outputTokens;
    r.calls += 1;
    const c = costOf(this.prices, modelId, usage);
    r.cost = r.cost === null || c === null ? null : r.cost + c;
  }

  merge(other: Record<UsageRole, RoleUsage>): void {
    for (const role of ['agent', 'judge'] as const) {
      const r = this.byRole[role];
      const o = other[role];
      r.inputTokens += o.inputTokens;
      r.outputTokens += o.outputTokens;
      r.calls += o.calls;
      r.cost = r.cost === null || o.cost === null ? null : r.cost + o.cost;
    }
  }
}
