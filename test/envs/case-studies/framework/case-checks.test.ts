// The CI trap-matrix check itself: it passes a sound case and names what is wrong otherwise.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzip, readText } from '../../../../src/envs/case-studies/framework/gzip.js';
import { Rng } from '../../../../src/envs/case-studies/framework/prng.js';
import { numberColumn, parseTsv, writeTsvColumns } from '../../../../src/envs/case-studies/framework/tsv.js';
import type { CaseStudy } from '../../../../src/envs/case-studies/types.js';
import { checkTrapMatrix, CI_TEST_SEEDS } from '../case-checks.js';
import { exampleLinear } from '../fixtures/example-linear.js';

// The fixture with a slope spread wide enough that a constant can't land (y += b·x, b drawn in
// [-10, 10] per instance), served on data only.
const sound: CaseStudy = {
  ...exampleLinear,
  accept: () => null,
  simulate(seed, subSeed) {
    const sim = exampleLinear.simulate(seed, subSeed);
    const b = Rng.from('case-checks-test', seed, subSeed).uniformRange(-10, 10);
    const t = parseTsv(readText(sim.files[0].data));
    const x = numberColumn(t, 'x');
    const y = Array.from(numberColumn(t, 'y'), (v, i) => v + b * x[i]);
    const data = gzip(writeTsvColumns({ row: Array.from(x, (_, i) => i + 1), x: Array.from(x), y }));
    return { ...sim, files: [{ path: sim.files[0].path, data }, ...sim.files.slice(1)], truth: { ...sim.truth, slope: sim.truth.slope + b } };
  },
};

test('checkTrapMatrix: a sound case passes on the CI seeds', async () => {
  for (const seed of CI_TEST_SEEDS) await checkTrapMatrix(sound, seed, { constantTrainSeeds: 8 });
});

test('checkTrapMatrix: a mistake that passes, a reference that fails, a constant that passes are each reported', async () => {
  const seed = CI_TEST_SEEDS[0];
  const luckyMistake: CaseStudy = { ...sound, naive: [...sound.naive, { name: 'same_as_reference', trap: 'none', analyse: sound.reference }] };
  await assert.rejects(checkTrapMatrix(luckyMistake, seed, { constantTrainSeeds: 8 }), /realistic mistakes that pass:\n.*same_as_reference/);
  const badReference: CaseStudy = { ...sound, reference: (f) => ({ ...(sound.reference(f) as Record<string, number>), n_used: 5 }) };
  await assert.rejects(checkTrapMatrix(badReference, seed, { constantTrainSeeds: 8 }), /reference failed n_used/);
  // bounds so wide that the constant lands inside them
  const guessable: CaseStudy = { ...sound, bounds: (t) => ({ slope: [-10, 10], n_used: [t.n_used, t.n_used] }), naive: [] };
  await assert.rejects(checkTrapMatrix(guessable, seed, { constantTrainSeeds: 8 }), /the best constant .* passes/);
});
