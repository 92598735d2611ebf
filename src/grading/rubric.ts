// Reasoning rubric per case (BixBench-Hypothesis style): weighted items, each with a judge-facing
// description and regex evidence patterns, plus red flags that cap the score. Two scorers:
// an offline regex pre-check, and an LLM judge over an OpenAI-compatible endpoint. A judge
// reply that cannot be parsed is "unscored" — never a zero.

import { askJudge, type JudgeClient, type JudgeConfig } from './judge.js';

export interface RubricItem {
  id: string;
  description: string;
  weight: number;
  /** case-insensitive regexes; the pre-check gives weight × (share of patterns found) */
  patterns?: string[];
}

export interface RedFlag {
  id: string;
  description: string;
  patterns?: string[];
}

export interface Rubric {
  items: RubricItem[];
  redFlags: RedFlag[];
}

/** Red flags cap the reasoning score at this value. */
export const RED_FLAG_CAP = 0.3;

/** Validates a rubric.json object ({items, red_flags?}) and compiles-checks its patterns. */
export function parseRubric(obj: unknown, where = 'rubric'): Rubric {
  const o = obj as { items?: unknown; red_flags?: unknown; redFlags?: unknown };
  if (!o || !Array.isArray(o.items) || o.items.length === 0) throw new Error(`${where}: "items" must be a non-empty array`);
  const ids = new Set<string>();
  const items = o.items.map((it: any, i: number) => {
    if (typeof it?.id !== 'string' || typeof it?.description !== 'string') throw new Error(`${where}: item ${i} needs string id and description`);
    if (!(typeof it.weight === 'number' && it.weight > 0)) throw new Error(`${where}: item ${it.id} needs a positive weight`);
    if (ids.has(it.id)) throw new Error(`${where}: duplicate item id ${it.id}`);
    ids.add(it.id);
    return { id: it.id, description: it.description, weight: it.weight, patterns: checkPatterns(it.patterns, `${where}: ${it.id}`) };
  });
  const rawFlags = (o.red_flags ?? o.redFlags ?? []) as any[];
  if (!Array.isArray(rawFlags)) throw new Error(`${where}: red_flags must be an array`);
  const redFlags = rawFlags.map((f, i) => {
    if (typeof f?.id !== 'string' || typeof f?.description !== 'string') throw new Error(`${where}: red flag ${i} needs string id and description`);
    return { id: f.id, description: f.description, patterns: checkPatterns(f.patterns, `${where}: ${f.id}`) };
  });
  return { items, redFlags };
}

function checkPatterns(p: unknown, where: string): string[] | undefined {
  if (p === undefined) return undefined;
  if (!Array.isArray(p) || !p.every((x) => typeof x === 'string')) throw new Error(`${where}: patterns must be an array of strings`);
  for (const x of p) {
    try {
      new RegExp(x, 'i');
    } catch (err) {
      throw new Error(`${where}: bad pattern ${JSON.stringify(x)}: ${(err as Error).message}`);
    }
  }
  return p;
}

export interface ItemScore {
  id: string;
  /** 0..1 share of the item's weight */
  credit: number;
  evidence: string[];
}

export interface RubricScore {
  method: 'regex' | 'judge';
  status: 'scored' | 'unscored';
  /** weighted score in [0, 1] (capped by red flags); null when unscored */
  score: number | null;
  items: ItemScore[];
  redFlags: string[];
  error?: string;
}

/** Offline pre-check: regex evidence in the reasoning text. */
export function precheckRubric(rubric: Rubric, reasoning: string): RubricScore {
  const items = rubric.items.map((it) => {
    const pats = it.patterns ?? [];
    const evidence: string[] = [];
    for (const p of pats) {
      const m = new RegExp(p, 'i').exec(reasoning);
      if (m) evidence.push(m[0]);
    }
    return { id: it.id, credit: pats.length ? evidence.length / pats.length : 0, evidence };
  });
  const redFlags = rubric.redFlags.filter((f) => (f.patterns ?? []).some((p) => new RegExp(p, 'i').test(reasoning))).map((f) => f.id);
  return { method: 'regex', status: 'scored', score: combine(rubric, items, redFlags), items, redFlags };
}

function combine(rubric: Rubric, items: ItemScore[], redFlags: string[]): number {
  const total = rubric.items.reduce((s, it) => s + it.weight, 0);
  const got = rubric.items.reduce((s, it, i) => s + it.weight * items[i].credit, 0);
  const score = total > 0 ? got / total : 0;
  return redFlags.length ? Math.min(score, RED_FLAG_CAP) : score;
}

export interface JudgeRubricInput {
  prompt: string;
  /** trap list and design notes for the judge; never truth values */
  designNotes?: string;
  reasoning: string;
}

const SYSTEM = [
  'You grade the reasoning of a data analysis, not its numbers. For each rubric item, score 0 (absent or wrong),',
  '1 (partly done or only mentioned) or 2 (done correctly and explained), and quote the sentence that shows it.',
  'Also list the ids of any red flags the reasoning commits. Reply with one JSON object and nothing else:',
  '{"items": [{"item": "<id>", "score": 0|1|2, "quote": "<short quote or empty>"}], "red_flags": ["<id>", ...]}',
].join(' ');

/** LLM-judge scoring; every failure (network, refusal, bad JSON, unknown ids) is "unscored". */
export async function judgeRubric(rubric: Rubric, input: JudgeRubricInput, cfg: JudgeConfig, client?: JudgeClient): Promise<RubricScore> {
  const unscored = (error: string): RubricScore => ({ method: 'judge', status: 'unscored', score: null, items: [], redFlags: [], error });
  const user = JSON.stringify({
    task_prompt: input.prompt,
    design_notes: input.designNotes ?? '',
    rubric: rubric.items.map(({ id, description, weight }) => ({ id, description, weight })),
    red_flags: rubric.redFlags.map(({ id, description }) => ({ id, description })),
    reasoning_to_grade: input.reasoning,
  });
  let text: string;
  try {
    text = await askJudge(cfg, SYSTEM, user, { defaultTimeoutMs: 60_000, client });
  } catch (err) {
    return unscored(`judge call failed: ${(err as Error).message}`);
  }
  const parsed = parseJudgeReply(text, rubric);
  if (typeof parsed === 'string') return unscored(parsed);
  const items = rubric.items.map((it) => {
    const r = parsed.items.get(it.id)!;
    return { id: it.id, credit: r.score / 2, evidence: r.quote ? [r.quote] : [] };
  });
  return { method: 'judge', status: 'scored', score: combine(rubric, items, parsed.redFlags), items, redFlags: parsed.redFlags };
}

/** Parses the judge's JSON; returns an error string when it is not a complete, valid reply. */
export function parseJudgeReply(text: string, rubric: Rubric): { items: Map<string, { score: number; quote: string }>; redFlags: string[] } | string {
  const trimmed = text.trim().replace(/^```(?:json)?\s*/i, '').replace(/\s*```$/, '');
  let obj: any;
  try {
    obj = JSON.parse(trimmed);
  } catch {
    return `judge reply is not JSON: ${JSON.stringify(text.slice(0, 200))}`;
  }
  if (!obj || !Array.isArray(obj.items)) return 'judge reply has no "items" array';
  const items = new Map<string, { score: number; quote: string }>();
  for (const r of obj.items) {
    if (typeof r?.item !== 'string' || ![0, 1, 2].includes(r.score)) return `judge reply has a malformed item: ${JSON.stringify(r).slice(0, 200)}`;
    items.set(r.item, { score: r.score, quote: typeof r.quote === 'string' ? r.quote : '' });
  }
  const missing = rubric.items.filter((it) => !items.has(it.id)).map((it) => it.id);
  if (missing.length) return `judge reply misses items: ${missing.join(', ')}`;
  const known = new Set(rubric.redFlags.map((f) => f.id));
  const redFlags = Array.isArray(obj.red_flags) ? obj.red_flags.filter((f: unknown) => typeof f === 'string' && known.has(f)) : [];
  return { items, redFlags };
}
