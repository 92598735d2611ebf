// Uninformed baselines for genome-qa (npm run bench:genome-qa -- --baselines): answers that never
// read the assembly, graded the way submit_answer grades (gradeAnswer, no judge). A domain whose
// constant passes often rewards guessing rather than looking the answer up or computing it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { medianOf } from '../src/envs/case-studies/framework/baselines.js';
import { TaskGenerator } from '../src/envs/genome-qa/generator.js';
import type { GeneratedTask } from '../src/envs/genome-qa/types.js';
import { openAssembly } from '../src/genome/assembly.js';
import { ensureDemoAssembly } from '../src/genome/demo/index.js';
import type { AssemblyApi } from '../src/genome/types.js';
import { gradeAnswer } from '../src/grading/match.js';
import { fixturesPresent, openHg38Fixture } from '../test/envs/genome-qa/hg38-fixture.js';

const TASKS = 1000;
// kind names repeat across domains (gc_content and sequence_motif both have `window`)
const kindOf = (t: GeneratedTask) => `${t.domain}/${t.kind}`;

// Map.groupBy needs Node 21
function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
}

/** Per kind and field: the median of numeric train answers, the most common answer otherwise. */
function constantAnswers(train: GeneratedTask[]): Map<string, Record<string, string>> {
  const byKind = groupBy(train, kindOf);
  const out = new Map<string, Record<string, string>>();
  for (const [kind, tasks] of byKind) {
    const answer: Record<string, string> = {};
    for (const f of tasks[0].fields) {
      const values = tasks.map((t) => t.answer[f.key]).filter((v) => v !== undefined);
      if (f.type === 'numeric') {
        answer[f.key] = String(medianOf(values.map(Number)));
      } else {
        const counts = new Map<string, number>();
        for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
        answer[f.key] = [...counts].sort((a, b) => b[1] - a[1])[0][0];
      }
    }
    out.set(kind, answer);
  }
  return out;
}

interface Tally { tasks: number; constant: number; other: number; byKind: Map<string, { tasks: number; constant: number }> }

async function measure(label: string, asm: AssemblyApi): Promise<void> {
  const gen = new TaskGenerator(asm);
  const train: GeneratedTask[] = [];
  const test: GeneratedTask[] = [];
  for (let i = 0; i < TASKS; i++) {
    train.push(await gen.task('train', i));
    test.push(await gen.task('test', i));
  }
  const constants = constantAnswers(train);
  const testByKind = groupBy(test, kindOf);
  const tallies = new Map<string, Tally>();
  let all = { tasks: 0, constant: 0, other: 0 };
  for (const t of test) {
    const tally = tallies.get(t.domain) ?? { tasks: 0, constant: 0, other: 0, byKind: new Map() };
    tallies.set(t.domain, tally);
    const key = { answer: t.answer, fields: t.fields };
    const constant = constants.get(kindOf(t));
    const c = constant ? gradeAnswer(key, constant).reward : 0;
    const peers = testByKind.get(kindOf(t))!;
    // the next test task of the same kind; a kind with one task has no other answer to borrow
    const other = peers.length > 1 ? gradeAnswer(key, peers[(peers.indexOf(t) + 1) % peers.length].answer).reward : 0;
    for (const x of [tally, all]) { x.tasks++; x.constant += c; x.other += other; }
    const k = tally.byKind.get(t.kind) ?? { tasks: 0, constant: 0 };
    k.tasks++;
    k.constant += c;
    tally.byKind.set(t.kind, k);
  }
  const pct = (a: number, n: number) => `${((100 * a) / n).toFixed(1)}%`;
  console.log(`${label}: ${TASKS} test tasks; constant answer per kind (from the train split) and another test task's answer`);
  console.log('| domain | tasks | constant passes | another task passes | kinds where the constant passes |');
  console.log('|---|---:|---:|---:|---|');
  for (const [d, t] of [...tallies].sort()) {
    const kinds = [...t.byKind].filter(([, k]) => k.constant > 0).map(([name, k]) => `${name} ${k.constant}/${k.tasks}`).join(', ');
    console.log(`| ${d} | ${t.tasks} | ${pct(t.constant, t.tasks)} | ${pct(t.other, t.tasks)} | ${kinds || '–'} |`);
  }
  console.log(`| all | ${all.tasks} | ${pct(all.constant, all.tasks)} | ${pct(all.other, all.tasks)} | |`);
}

export async function guessingBaselines(home: string): Promise<void> {
  const demo = await openAssembly(await ensureDemoAssembly({ home }));
  await measure('demo assembly', demo);
  await demo.close();
  if (!fixturesPresent()) {
    console.warn('WARNING: ../shared/data/hg38 not found; the real-hg38 fixture assembly is not measured');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'genegym-gqa-baselines-'));
  try {
    const asm = await openHg38Fixture(dir);
    await measure('real hg38 fixtures (chrM and chr2:1-2,333,275 with their gene and band rows)', asm);
    await asm.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
