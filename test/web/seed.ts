// A runs store for the viewer tests, written through the runs store's own writer
// (RunStore.create/append): two genome-qa runs by different agents on real demo-assembly tasks
// (domains, two epochs, every outcome, an errored attempt retried), and one case-studies run.

import { caseStudies } from '../../src/envs/case-studies/cases.js';
import { taskSpec as caseTaskSpec } from '../../src/envs/case-studies/env.js';
import { loadGenomeQa } from '../../src/envs/genome-qa/entry.js';
import type { JsonObject } from '../../src/ors/types.js';
import { RunStore } from '../../src/runs/store.js';
import type { EpisodeRecord, Outcome, RunConfig } from '../../src/runs/types.js';
import type { TranscriptEvent } from '../../src/agents/transcript.js';

export const RUN_A = 'gqa-gpt';
export const RUN_B = 'gqa-naive';
export const RUN_C = 'cases-ref';
export const GQA_TASKS = 12;

export interface Seeded {
  /** the genome-qa answer keys by task id (to check the viewer shows them) */
  answers: Map<string, Record<string, string>>;
  /** one long tool output's full text, and where it is */
  longOutput: { run: string; key: string; text: string };
}

function config(run_id: string, env: string, agent: string, model: string | null, tasks: number[], epochs: number, createdAt: string): RunConfig {
  return {
    run_id, created_at: createdAt, env, server: null, split: 'test', model, base_url: null, api_key_env: model ? 'OPENAI_API_KEY' : null,
    agent, task_indices: tasks, epochs, seed: 1, max_turns: 10, max_tokens: null, time_limit_ms: null, concurrency: 2,
    pass_threshold: 1, k: epochs > 1 ? [1, 2] : [1], cache: false, temperature: null, error_retries: 1, genegym_version: '0.1.0',
  };
}

/** Deterministic outcome pattern: different per run so the comparison has flips both ways. */
function outcomeFor(run: string, task: number, epoch: number): Outcome {
  const x = (task * 7 + epoch * 3 + (run === RUN_A ? 0 : 4)) % 10;
  if (x < 5) return 'correct';
  if (x < 8) return 'wrong';
  return x === 8 ? 'ungraded' : 'error';
}

/** A 1×1 PNG: an image block in a prompt, as vision environments send. */
export const PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

function record(run: string, split: string, index: number, epoch: number, task: JsonObject, domain: string | null, outcome: Outcome, opts: {
  attempt?: number; submit: unknown; toolOutput?: string; model: string | null; startMs: number; promptImage?: boolean;
}): EpisodeRecord {
  const t0 = new Date(Date.UTC(2026, 10, 20, 9, 0, 0) + opts.startMs);
  const prompt = String(task.question ?? `Case ${task.case}: analyse the workspace files and submit the answer.`);
  const finished = outcome !== 'error';
  const transcript: TranscriptEvent[] = [
    { t: 0, kind: 'prompt', blocks: [{ type: 'text', text: prompt, detail: null }, ...(opts.promptImage ? [{ type: 'image' as const, data: PIXEL_PNG, mimeType: 'image/png', detail: null }] : [])], tools: [] },
    { t: 5, kind: 'agent', turn: 1, ms: 420, text: 'Let me look this up.', calls: [{ id: 'c1', name: 'web_search', input: { query: `${task.id} details` } }], usage: { inputTokens: 900, outputTokens: 60 }, model: opts.model ?? undefined },
    { t: 430, kind: 'tool', turn: 1, ms: 35, callId: 'c1', name: 'web_search', output: { ok: true, output: { blocks: [{ type: 'text', text: opts.toolOutput ?? 'Result 1: UCSC Genome Browser page.', detail: null }], metadata: { source: 'offline-index' }, reward: 0, finished: false } } },
  ];
  if (finished) {
    transcript.push(
      { t: 470, kind: 'agent', turn: 2, ms: 380, text: 'Submitting.', calls: [{ id: 'c2', name: 'submit_answer', input: opts.submit }], usage: { inputTokens: 1400, outputTokens: 40 }, model: opts.model ?? undefined },
      { t: 860, kind: 'tool', turn: 2, ms: 12, callId: 'c2', name: 'submit_answer', output: { ok: true, output: { blocks: [{ type: 'text', text: `Verdict: ${outcome === 'correct' ? 'correct' : outcome === 'wrong' ? 'incorrect' : 'ungraded'}`, detail: null }], metadata: { verdict: outcome === 'wrong' ? 'incorrect' : outcome }, reward: outcome === 'correct' ? 1 : 0, finished: true } } },
    );
  } else {
    transcript.push({ t: 470, kind: 'error', where: 'agent', message: 'model API error: 503 Service Unavailable' });
  }
  const duration = 900 + index * 10 + epoch;
  return {
    type: 'episode', key: `${index}#${epoch}`, run_id: run, task_index: index, task_id: String(task.id), epoch, attempt: opts.attempt ?? 1, split, domain,
    outcome, reward: outcome === 'correct' ? 1 : outcome === 'wrong' ? 0 : null,
    end_reason: finished ? 'finished' : 'agent_error', detail: finished ? `verdict ${outcome}` : 'agent_error: model API error: 503',
    task, turns: finished ? 2 : 1, tool_calls: finished ? 2 : 1, invalid_calls: 0, model_calls: finished ? 2 : 1,
    usage: {
      agent: { inputTokens: 2300, outputTokens: 100, calls: 2, cost: opts.model ? 0.0004 + index * 1e-5 : 0 },
      judge: { inputTokens: 0, outputTokens: 0, calls: 0, cost: 0 },
    },
    started_at: t0.toISOString(), ended_at: new Date(t0.getTime() + duration).toISOString(), duration_ms: duration,
    final_metadata: finished ? { verdict: outcome } : null, transcript,
  };
}

/** Writes the three runs into `home`; returns what the tests check against. */
export async function seedRunsStore(home: string): Promise<Seeded> {
  const env = (await loadGenomeQa({ home })) as unknown as {
    tasks: { get(split: string, i: number): Promise<JsonObject> };
    answerKey(split: string, i: number): Promise<{ id: string; answer: Record<string, string> }>;
    dispose(): Promise<void>;
  };
  const answers = new Map<string, Record<string, string>>();
  const longText = Array.from({ length: 400 }, (_, i) => `line ${i}: ${'ACGT'.repeat(10)}`).join('\n') + '\nEND-OF-LONG-OUTPUT';
  try {
    const tasks: JsonObject[] = [];
    for (let i = 0; i < GQA_TASKS; i++) {
      tasks.push(await env.tasks.get('test', i));
      const key = await env.answerKey('test', i);
      answers.set(key.id, key.answer);
    }
    const runs = [
      { id: RUN_A, agent: 'model', model: 'openai:gpt-4o-mini', created: '2026-11-20T09:00:00.000Z' },
      { id: RUN_B, agent: 'naive', model: null, created: '2026-11-21T09:00:00.000Z' },
    ];
    for (const r of runs) {
      const store = RunStore.create(home, config(r.id, 'genome-qa', r.agent, r.model, tasks.map((_, i) => i), 2, r.created));
      let ms = 0;
      for (let epoch = 1; epoch <= 2; epoch++) {
        for (let i = 0; i < GQA_TASKS; i++) {
          const task = tasks[i];
          const domain = String(task.domain);
          const truth = answers.get(String(task.id))!;
          const outcome = outcomeFor(r.id, i, epoch);
          const submit = outcome === 'correct' ? truth : Object.fromEntries(Object.keys(truth).map((k) => [k, 'unknown']));
          store.append({ type: 'started', key: `${i}#${epoch}`, attempt: 1, at: new Date().toISOString() });
          if (outcome !== 'error' && (i + epoch) % 5 === 0) {
            // An attempt that errored first and was retried: the retry is the record that counts.
            store.append(record(r.id, 'test', i, epoch, task, domain, 'error', { submit, model: r.model, startMs: ms }));
            store.append({ type: 'started', key: `${i}#${epoch}`, attempt: 2, at: new Date().toISOString() });
            store.append(record(r.id, 'test', i, epoch, task, domain, outcome, { attempt: 2, submit, model: r.model, startMs: ms + 500 }));
          } else {
            const toolOutput = r.id === RUN_A && i === 0 && epoch === 1 ? longText : undefined;
            store.append(record(r.id, 'test', i, epoch, task, domain, outcome, { submit, model: r.model, startMs: ms, toolOutput }));
          }
          ms += 1000;
        }
      }
      store.close();
    }
  } finally {
    await env.dispose();
  }
  const cs = caseStudies.find((c) => c.id === 'crispr-linc473')!;
  const store = RunStore.create(home, config(RUN_C, 'case-studies', 'reference', null, [1, 4, 7], 1, '2026-11-22T09:00:00.000Z'));
  [1, 4, 7].forEach((index, k) => {
    const task = caseTaskSpec(cs, 'test', 1_000_000_000 + k, index);
    const outcome: Outcome = k === 2 ? 'wrong' : 'correct';
    store.append(record(RUN_C, 'test', index, 1, task, cs.id, outcome, { submit: { response: '{"answer": {"advance_target": 0}}' }, model: null, startMs: k * 1000, promptImage: k === 0 }));
  });
  store.close();
  return { answers, longOutput: { run: RUN_A, key: '0#1', text: longText } };
}
