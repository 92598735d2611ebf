// Expected answers for the viewer. Run records hold what the agent saw and did, never the
// answer key, so the viewer regenerates it on the server from the environment that made the
// task — and only shows it when the regenerated task is provably the recorded one.
// This module is used by the researchers' viewer only; nothing here is reachable from ORS.

import type { JsonObject } from '../../ors/types.js';
import type { EpisodeRecord } from '../../runs/types.js';
import type { ExpectedAnswer } from './api-types.js';

export type { ExpectedAnswer };


export interface AnswerKeySource {
  expected(env: string, record: EpisodeRecord): Promise<ExpectedAnswer>;
}

export interface AnswerKeyOptions {
  /** GENEGYM_HOME, where the assemblies genome-qa regenerates tasks from live */
  home: string;
}

interface GenomeQaLike {
  answerKey(split: string, index: number): Promise<{ id: string; question: string; answer: Record<string, string>; source: JsonObject }>;
  dispose?(): Promise<void> | void;
}

/** genome-qa ids read `genome-qa/<assembly>/s<seed>/<split>/<index>`. */
const GENOME_QA_ID = /^genome-qa\/(.+)\/s(\d+)\/([^/]+)\/(\d+)$/;

export class BuiltinAnswerKeys implements AnswerKeySource {
  private readonly genomeQa = new Map<string, Promise<GenomeQaLike>>();

  constructor(private readonly opts: AnswerKeyOptions) {}

  async expected(env: string, record: EpisodeRecord): Promise<ExpectedAnswer> {
    try {
      if (env === 'genome-qa') return await this.genomeQaKey(record);
      if (env === 'case-studies') return await this.caseStudyKey(record);
      return { status: 'unavailable', reason: `the viewer has no answer key for environment ${env}` };
    } catch (err) {
      return { status: 'unavailable', reason: `answer key could not be regenerated: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  private async genomeQaKey(record: EpisodeRecord): Promise<ExpectedAnswer> {
    const m = GENOME_QA_ID.exec(record.task_id);
    if (!m) return { status: 'unavailable', reason: `task id ${record.task_id} is not a genome-qa id` };
    const [, assembly, seed, split, index] = m;
    const key = `${assembly}\u0000${seed}`;
    let env = this.genomeQa.get(key);
    if (!env) {
      env = (async () => {
        const { loadGenomeQa } = await import('../../envs/genome-qa/entry.js');
        return (await loadGenomeQa({ assembly, home: this.opts.home, settings: { seed } })) as unknown as GenomeQaLike;
      })();
      this.genomeQa.set(key, env);
      env.catch(() => this.genomeQa.delete(key));
    }
    const task = await (await env).answerKey(split, Number(index));
    // Same id, same question: otherwise the run used other settings (domains, sizes).
    const question = typeof record.task.question === 'string' ? record.task.question : null;
    if (task.id !== record.task_id || (question !== null && question !== task.question)) {
      return { status: 'unavailable', reason: 'the regenerated task differs from the recorded one (the run used other environment settings)' };
    }
    return { status: 'available', answer: task.answer, note: `regenerated from assembly ${assembly}, seed ${seed}` };
  }

  private async caseStudyKey(record: EpisodeRecord): Promise<ExpectedAnswer> {
    const [{ caseStudies }, { resolveTask }, { servedInstances }] = await Promise.all([
      import('../../envs/case-studies/cases.js'),
      import('../../envs/case-studies/env.js'),
      import('../../envs/case-studies/framework/instance-cache.js'),
    ]);
    const { cs, seed } = resolveTask(record.task, caseStudies);
    const inst = await servedInstances.get(cs, seed);
    const accepted: JsonObject = {};
    for (const [k, [lo, hi]] of Object.entries(inst.bounds)) accepted[k] = [lo, hi];
    return { status: 'available', answer: inst.truth, accepted, note: `truth of case ${cs.id}, seed ${seed}; accepted intervals beside it` };
  }

  async close(): Promise<void> {
    const envs = [...this.genomeQa.values()];
    this.genomeQa.clear();
    await Promise.allSettled(envs.map(async (e) => (await e).dispose?.()));
  }
}
