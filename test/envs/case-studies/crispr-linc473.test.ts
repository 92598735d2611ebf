// Case 2 (crispr-linc473): on served test instances the reference passes, every realistic mistake and
// the best constant fail; reproducible bytes, hidden truth, strict schema; the serving rule reads only
// design facts; effects are continuous per instance; the ANKRD42 and CasRx kd_KIN1 decoys act.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crisprLinc473 } from '../../../src/envs/case-studies/crispr-linc473/index.js';
import { RULE } from '../../../src/envs/case-studies/crispr-linc473/model.js';
import { loadLinc, REFERENCE_PIPELINE, screenLfcs } from '../../../src/envs/case-studies/crispr-linc473/reference.js';
import { simulateLinc } from '../../../src/envs/case-studies/crispr-linc473/simulator.js';
import { filesMap, simulateInstance } from '../../../src/envs/case-studies/framework/generate.js';
import { checkRubric, checkSchema, standardCaseTests } from './case-checks.js';

standardCaseTests(crisprLinc473);

test('crispr-linc473: answer schema is strict about keys and types', () => {
  const inst = crisprLinc473.simulate(0, 0);
  checkSchema(crisprLinc473, { ...inst.truth });
  assert.equal(crisprLinc473.prompt({ ...inst, bounds: crisprLinc473.bounds(inst.truth) }).includes('{"answer"'), true);
});

test('crispr-linc473: rubric items are well formed', () => {
  checkRubric(crisprLinc473);
});

test('crispr-linc473: the serving rule reads design facts, not an analysis', () => {
  const inst = simulateInstance(crisprLinc473, 3, 0);
  assert.equal(crisprLinc473.accept!(inst), null);
  assert.match(crisprLinc473.accept!({ ...inst, meta: { ...inst.meta, kin1_informative_guides: 5 } }) ?? '', /only 5 well-represented guides repress KIN1/);
  assert.match(crisprLinc473.accept!({ ...inst, meta: { ...inst.meta, ankrd42_informative_guides: 4 } }) ?? '', /only 4 well-represented ANKRD42/);
});

test('crispr-linc473: effects are continuous per instance, both decisions occur, truths keep the decision margins', () => {
  const truths = Array.from({ length: 16 }, (_, s) => simulateLinc(s, 0).truth);
  for (const key of ['lncrna_specific_lfc', 'neighbor_mediated_lfc'] as const) assert.equal(new Set(truths.map((t) => t[key])).size, truths.length, `${key} repeats across instances`);
  assert.deepEqual([...new Set(truths.map((t) => t.advance_target))].sort(), [0, 1]);
  for (const t of truths) {
    assert.ok(Math.abs(t.lncrna_specific_lfc - RULE.lnc) >= RULE.lncMargin);
    assert.ok(Math.abs(t.neighbor_mediated_lfc - RULE.neighbour) >= RULE.neighbourMargin);
  }
});

test('crispr-linc473: the decoys act in the data (ANKRD42 is a fitness gene repressed from the promoter; CasRx guides hit KIN1 mRNA)', () => {
  const sim = simulateLinc(5, 0);
  const d = loadLinc(filesMap(sim));
  const screen = screenLfcs(d, REFERENCE_PIPELINE);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const ank = d.guides.filter((g) => g.nominal === 'ANKRD42' && screen.has(g.id)).map((g) => mean(screen.get(g.id)!));
  const ntc = d.guides.filter((g) => g.nominal === 'NTC' && screen.has(g.id)).map((g) => mean(screen.get(g.id)!));
  assert.ok(mean(ank) < mean(ntc) - 0.5, `ANKRD42 guides deplete (${mean(ank).toFixed(2)} vs NTC ${mean(ntc).toFixed(2)})`);
  const promoterAnk = d.guides.filter((g) => g.nominal === 'LINC473_promoter' || g.nominal === 'KIN1_TSS').map((g) => d.kA.get(g.id) ?? 0);
  assert.ok(promoterAnk.filter((k) => k > 0.3).length >= 5, 'promoter guides repress ANKRD42 through its enhancer');
  assert.ok(d.casrx.filter((r) => r.iso === 'T1' && r.kdKin > 0.3).length >= 9, 'some T1 CasRx guides knock down KIN1 mRNA');
  assert.ok(d.casrx.filter((r) => r.iso === 'NTC').every((r) => Math.abs(r.kdKin) < 0.2));
});
