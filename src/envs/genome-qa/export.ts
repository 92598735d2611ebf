// Server-side export of tasks WITH their answers (for offline evaluation, dataset release or
// inspection): one JSON object per task. Never served to agents.

import { unitOf } from '../../grading/match.js';
import type { JsonObject } from '../../ors/types.js';
import type { TaskGenerator } from './generator.js';
import type { GeneratedTask } from './types.js';

export function exportRow(t: GeneratedTask): JsonObject {
  const types = [...new Set(t.fields.map((f) => f.type))];
  const tolerances = t.fields.map((f) => f.tolerance).filter((x): x is number => x !== undefined);
  return {
    id: t.id,
    split: t.split,
    index: t.index,
    domain: t.domain,
    kind: t.kind,
    question: t.question,
    answer: t.answer,
    grading_type: types.length === 1 ? types[0] : types.join('+'),
    tolerance: tolerances.length ? Math.max(...tolerances) : null,
    fields: t.fields.map((f) => ({ key: f.key, type: f.type, tolerance: f.tolerance ?? null, unit: f.type === 'sequence' || !/^-?\d+(\.\d+)?$/.test(t.answer[f.key] ?? '') ? null : unitOf(f) })),
    source: t.source,
  };
}

export async function* exportRows(gen: TaskGenerator, split: string, start: number, stop: number): AsyncGenerator<JsonObject> {
  for (let i = start; i < stop; i++) yield exportRow(await gen.task(split, i));
}
