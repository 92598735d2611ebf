import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../../src/envs/case-studies/framework/prng.js';
import * as S from '../../../../src/envs/case-studies/framework/samplers.js';
import * as F from '../../../../src/envs/case-studies/framework/special.js';

function moments(xs: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - mean) ** 2;
  return { mean, variance: v / (xs.length - 1) };
}

function draws(n: number, f: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f();
  return out;
}

/** Sample mean within `z` standard errors of the true mean, variance within rel. tolerance. */
function assertMoments(name: string, xs: Float64Array, mean: number, variance: number, relVar = 0.05) {
  const m = moments(xs);
  const se = Math.sqrt(variance / xs.length);
  assert.ok(Math.abs(m.mean - mean) < 5 * se + 1e-12, `${name}: mean ${m.mean} vs ${mean} (se ${se})`);
  assert.ok(Math.abs(m.variance - variance) <= relVar * variance + 1e-12, `${name}: variance ${m.variance} vs ${variance}`);
}

const N = 60_000;

test('normal, gamma (shape < 1 and > 1), beta, lognormal moments', () => {
  const r = Rng.from('moments');
  assertMoments('normal', draws(N, () => S.normal(r, 2, 3)), 2, 9);
  assertMoments('gamma(0.4, 2)', draws(N, () => S.gamma(r, 0.4, 2)), 0.8, 1.6, 0.08);
  assertMoments('gamma(7.5, 0.5)', draws(N, () => S.gamma(r, 7.5, 0.5)), 3.75, 1.875);
  const a = 2, b = 5;
  assertMoments('beta', draws(N, () => S.beta(r, a, b)), a / (a + b), (a * b) / ((a + b) ** 2 * (a + b + 1)));
  assertMoments('chi2(4)', draws(N, () => S.chiSquared(r, 4)), 4, 8);
  assertMoments('exponential', draws(N, () => S.exponential(r, 2)), 0.5, 0.25, 0.06);
});

test('Poisson below and above the PTRS switch, including P(X=k) near the mode', () => {
  const r = Rng.from('poisson');
  for (const lam of [0.7, 12, 45, 1000]) {
    const xs = draws(N, () => S.poisson(r, lam));
    assert.ok(xs.every((x) => Number.isInteger(x) && x >= 0));
    assertMoments(`poisson(${lam})`, xs, lam, lam);
  }
  // pmf check at lambda = 45 (PTRS branch): frequency of the mode
  const lam = 45;
  const xs = draws(100_000, () => S.poisson(r, lam));
  const k = 45;
  const p = Math.exp(-lam + k * Math.log(lam) - F.lgamma(k + 1));
  const freq = xs.filter((x) => x === k).length / xs.length;
  assert.ok(Math.abs(freq - p) < 5 * Math.sqrt((p * (1 - p)) / xs.length), `P(X=45) ${freq} vs ${p}`);
  assert.equal(S.poisson(r, 0), 0);
});

test('binomial: inversion and beta-splitting regimes, edge cases', () => {
  const r = Rng.from('binomial');
  for (const [n, p] of [[20, 0.3], [1000, 0.02], [5000, 0.4], [100000, 0.93]] as const) {
    const xs = draws(40_000, () => S.binomial(r, n, p));
    assert.ok(xs.every((x) => Number.isInteger(x) && x >= 0 && x <= n));
    assertMoments(`binomial(${n}, ${p})`, xs, n * p, n * p * (1 - p), 0.06);
  }
  assert.equal(S.binomial(r, 10, 0), 0);
  assert.equal(S.binomial(r, 10, 1), 10);
  assert.equal(S.binomial(r, 0, 0.5), 0);
  assert.throws(() => S.binomial(r, 2.5, 0.5), RangeError);
  assert.throws(() => S.binomial(r, 5, 1.5), RangeError);
});

test('negative binomial by (mean, size) has variance mean + mean^2/size', () => {
  const r = Rng.from('nb');
  const mu = 8, size = 2.5;
  assertMoments('nb', draws(N, () => S.negativeBinomial(r, mu, size)), mu, mu + (mu * mu) / size, 0.08);
});

test('multinomial sums to n with the right means; categorical and alias agree with weights', () => {
  const r = Rng.from('multi');
  const w = [1, 0, 3, 6];
  const tot = [0, 0, 0, 0];
  for (let i = 0; i < 2000; i++) {
    const c = S.multinomial(r, 50, w);
    assert.equal(c.reduce((a, b) => a + b, 0), 50);
    assert.equal(c[1], 0);
    c.forEach((x, j) => (tot[j] += x));
  }
  const expect = w.map((x) => (x / 10) * 50 * 2000);
  tot.forEach((t, j) => assert.ok(Math.abs(t - expect[j]) < 5 * Math.sqrt(expect[j] + 1), `multinomial cat ${j}: ${t} vs ${expect[j]}`));
  const table = new S.AliasTable(w);
  const a = [0, 0, 0, 0];
  const c = [0, 0, 0, 0];
  for (let i = 0; i < 50_000; i++) {
    a[table.sample(r)]++;
    c[S.categorical(r, w)]++;
  }
  for (const counts of [a, c]) {
    assert.equal(counts[1], 0);
    counts.forEach((x, j) => assert.ok(Math.abs(x / 50_000 - w[j] / 10) < 0.01, `freq ${j} ${x / 50_000}`));
  }
  assert.throws(() => S.categorical(r, [0, 0]));
  assert.throws(() => S.categorical(r, [1, -1]));
});

test('multivariate normal reproduces its covariance', () => {
  const r = Rng.from('mvn');
  const cov = [[1, 0.8], [0.8, 2]];
  let sxy = 0, sxx = 0, syy = 0;
  const n = 40_000;
  for (let i = 0; i < n; i++) {
    const [x, y] = S.multivariateNormal(r, [0, 0], cov);
    sxy += x * y; sxx += x * x; syy += y * y;
  }
  assert.ok(Math.abs(sxx / n - 1) < 0.04 && Math.abs(syy / n - 2) < 0.08 && Math.abs(sxy / n - 0.8) < 0.04);
  assert.throws(() => S.multivariateNormal(r, [0, 0], [[1, 2], [2, 1]]), RangeError);
});

test('snapshot: first sampler draws are pinned (a change would silently change every instance)', () => {
  const r = Rng.from('snapshot');
  const got = [S.normal(r), S.gamma(r, 2), S.poisson(r, 4), S.poisson(r, 80), S.binomial(r, 500, 0.3), S.negativeBinomial(r, 5, 1)];
  assert.deepEqual(got.map((x) => +x.toPrecision(12)), SNAP);
});
const SNAP: number[] = [-0.137821617941,0.721623311369,5,79,158,11];

test('special functions against scipy values', () => {
  const close = (a: number, b: number, rel = 1e-12) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);
  const erfcs: [number, number][] = [[0.3, 0.6713732405408726], [-0.3, 1.3286267594591274], [1, 0.15729920705028516], [2, 0.004677734981047266], [3.5, 7.430983723414129e-7], [5, 1.5374597944280347e-12], [10, 2.0884875837625446e-45]];
  for (const [x, v] of erfcs) close(F.erfc(x), v, 1e-13);
  close(F.normalCdf(1.96), 0.9750021048517795);
  close(F.normalQuantile(0.975), 1.959963984540054);
  close(F.normalQuantile(1e-10), -6.361340902404056, 1e-10);
  close(F.lgamma(10), 12.801827480081467);
  close(F.lgamma(0.3), 1.0957979948180752);
  close(F.lgamma(123.4), 469.3360974421906);
  close(F.chiSquareSf(3.84, 1), 0.05004352124870519, 1e-10);
  close(F.chiSquareSf(20, 7), 0.005569683072945574, 1e-10);
  close(F.gammaP(2.5, 1), 0.15085496391539038, 1e-10);
  close(F.expit(F.logit(0.2)), 0.2);
  assert.equal(F.logFactorial(5), Math.log(120));
});
