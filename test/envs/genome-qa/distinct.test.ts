// 1,000 train and 1,000 test tasks, all distinct, on the demo assembly and on the real hg38
// fixtures: no question, identity key or (kind, source) pair twice in a split, none shared
// between the splits, and the kinds that ran out are named rather than repeated.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { TaskGenerator } from '../../../src/envs/genome-qa/generator.js';
import { openAssembly } from '../../../src/genome/assembly.js';
import { ensureDemoAssembly } from '../../../src/genome/demo/index.js';
import type { AssemblyApi } from '../../../src/genome/types.js';
import { fixtureSkipReason, openHg38Fixture } from './hg38-fixture.js';

const tmp = mkdtempSync(join(tmpdir(), 'genegym-gqa-distinct-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const skipFixture = fixtureSkipReason();

async function assertDistinct(asm: AssemblyApi): Promise<void> {
  const g = new TaskGenerator(asm);
  const all = new Map<string, Set<string>>();
  for (const split of ['train', 'test']) {
    const questions = new Set<string>();
    const keys = new Set<string>();
    const sources = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const t = await g.task(split, i);
      questions.add(t.question);
      keys.add(`${t.domain}|${t.key}`);
      sources.add(`${t.kind}|${JSON.stringify(t.source)}`);
    }
    assert.deepEqual([questions.size, keys.size, sources.size], [1000, 1000, 1000], `${asm.name} ${split}`);
    all.set(split, questions);
    const r = await g.distinctReport(split, 1000);
    const total = Object.values(r.counts).flatMap((k) => Object.values(k)).reduce((a, b) => a + b, 0);
    assert.equal(total, 1000);
    // a domain below its 100 must be one that ran out, and say so
    for (const [d, kinds] of Object.entries(r.counts)) {
      const n = Object.values(kinds).reduce((a, b) => a + b, 0);
      if (n < 100) assert.ok(r.shortfalls.some((s) => s.domain === d && s.kind === null), `${asm.name} ${split} ${d}: ${n} without a shortfall`);
    }
  }
  const shared = [...all.get('train')!].filter((q) => all.get('test')!.has(q));
  assert.equal(shared.length, 0, 'no question in both splits');
}

test('demo assembly: 1,000 train and 1,000 test tasks, all distinct', async () => {
  const asm = await openAssembly(await ensureDemoAssembly({ home: tmp }));
  try {
    await assertDistinct(asm);
  } finally {
    await asm.close();
  }
});

test('real hg38 fixtures: 1,000 train and 1,000 test tasks, all distinct', { skip: skipFixture }, async () => {
  const asm = await openHg38Fixture(tmp);
  try {
    await assertDistinct(asm);
  } finally {
    await asm.close();
  }
});
