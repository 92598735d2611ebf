// Every generated question of both splits reads as plain English: its object (gene, region,
// chromosome) is named before any definition, the assembly is named once, no word is doubled
// and parentheses never nest.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { GenContext } from '../../../src/envs/genome-qa/context.js';
import { TaskGenerator } from '../../../src/envs/genome-qa/generator.js';
import type { GeneratedTask } from '../../../src/envs/genome-qa/types.js';
import { openAssembly } from '../../../src/genome/assembly.js';
import { ensureDemoAssembly } from '../../../src/genome/demo/index.js';
import type { AssemblyApi } from '../../../src/genome/types.js';
import { standardFake } from './fake-assembly.js';

const tmp = mkdtempSync(join(tmpdir(), 'genegym-gqa-prompts-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Definitions that must come after the question has named what it is about. */
const DEFINITIONS = [/RefSeq Select \/ MANE Select/, /GC content =/, /1-based/, /% = 100/, /Lengths are/, /Exons are numbered/];

export function promptProblems(t: GeneratedTask, label: string): string[] {
  const q = t.question;
  const out: string[] = [];
  const words = q.toLowerCase().split(/[\s,;:()"]+/).filter((w) => /^[a-z']+$/.test(w));
  for (let i = 1; i < words.length; i++) if (words[i] === words[i - 1]) out.push(`doubled word "${words[i]}"`);
  let depth = 0;
  for (const ch of q) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth > 1) {
      out.push('nested parentheses');
      break;
    }
    if (depth < 0) {
      out.push('unbalanced parentheses');
      break;
    }
  }
  const named = q.split(label).length - 1;
  if (named !== 1) out.push(`assembly named ${named} times`);
  if (/this assembly/.test(q)) out.push('"this assembly"');
  const src = t.source as Record<string, unknown>;
  const object = typeof src.gene === 'string' ? src.gene : Array.isArray(src.genes) ? String(src.genes[0]) : typeof src.chrom === 'string' ? src.chrom : Array.isArray(src.chroms) ? String(src.chroms[0]) : null;
  if (object) {
    const at = q.search(new RegExp(`\\b${object.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`));
    if (at < 0) out.push(`object ${object} not named`);
    for (const d of DEFINITIONS) {
      const m = d.exec(q);
      if (m && m.index < at) out.push(`definition ${d} before the object ${object}`);
    }
  }
  // the question proper is one sentence: it ends at its first "?" or at the first full stop
  const first = q.split(/(?<=[?])\s|(?<=\.)\s(?=[A-Z])/)[0];
  if ((first.match(/:(?!\d)/g) ?? []).length > 1) out.push('two colons in the question');
  return out;
}

async function checkAll(asm: AssemblyApi): Promise<void> {
  const g = new TaskGenerator(asm);
  const label = new GenContext(asm).label;
  const bad: string[] = [];
  for (const split of ['train', 'test']) {
    for (let i = 0; i < 1000; i++) {
      const t = await g.task(split, i);
      const p = promptProblems(t, label);
      if (p.length) bad.push(`${split}[${i}] ${t.domain}/${t.kind}: ${p.join('; ')}\n    ${t.question}`);
    }
  }
  assert.equal(bad.length, 0, `${bad.length} questions:\n${bad.slice(0, 12).join('\n')}`);
}

test('the checker catches what it should', () => {
  const base = { id: 'x', split: 'train', index: 0, domain: 'gc_content', kind: 'k', answer: {}, fields: [], key: 'k' } as const;
  const L = 'the synthetic assembly "demo"';
  const t = (question: string, source: Record<string, string>) => ({ ...base, question, source }) as unknown as GeneratedTask;
  assert.deepEqual(promptProblems(t(`What is the span of gene MYC in ${L}?`, { gene: 'MYC' }), L), []);
  assert.match(promptProblems(t(`What is the the span of gene MYC in ${L}?`, { gene: 'MYC' }), L).join(), /doubled/);
  assert.match(promptProblems(t(`What is (a (b)) of gene MYC in ${L}?`, { gene: 'MYC' }), L).join(), /nested/);
  assert.match(promptProblems(t(`Among chromosomes of this assembly, what is chr1 of ${L}?`, { chrom: 'chr1' }), L).join(), /this assembly/);
  assert.match(promptProblems(t(`What is the transcript (RefSeq Select / MANE Select) of gene MYC in ${L}?`, { gene: 'MYC' }), L).join(), /definition/);
});

test('fake assembly: every question of 1,000 train and 1,000 test tasks reads cleanly', async () => {
  await checkAll(standardFake());
});

test('demo assembly: every question of 1,000 train and 1,000 test tasks reads cleanly', async () => {
  const asm = await openAssembly(await ensureDemoAssembly({ home: tmp }));
  try {
    await checkAll(asm);
  } finally {
    await asm.close();
  }
});
