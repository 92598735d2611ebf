import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  brentMinimize, brentRoot, cholesky, cholSolve, fitGlm, forwardBackward, gls, lbfgs, leastSquares, logMatrix, logSumExp, nelderMead, numericGradient, viterbi,
} from '../../../../src/envs/case-studies/framework/optim/index.js';

const close = (a: number, b: number, tol: number, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b}`);

// Data and expected values: statsmodels 0.13 (Debian python3-statsmodels) GLM/WLS fits.
const x1 = [0.5, -1.2, 0.3, 2.1, -0.7, 1.5, -2.0, 0.9, 0.0, 1.1, -0.4, 0.8, -1.5, 2.5, -0.1, 0.6, 1.9, -0.9, 0.2, -1.1];
const x2 = [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0];
const yb = [1, 0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 0, 1, 0];
const yp = [2, 0, 1, 6, 1, 3, 0, 2, 1, 4, 1, 2, 0, 9, 1, 2, 5, 0, 1, 1];
const expo = [1, 2, 1, 1.5, 1, 2, 1, 1, 0.5, 1, 1, 2, 1, 1, 1, 1, 3, 1, 1, 1];
const X = x1.map((v, i) => [1, v, x2[i]]);

test('IRLS logistic regression matches statsmodels', () => {
  const r = fitGlm(X, yb, { family: 'binomial' });
  assert.ok(r.converged);
  [-0.015633420766619777, 2.7311432497792874, -0.8831589432167791].forEach((b, j) => close(r.coef[j], b, 1e-7, `coef ${j}`));
  [1.1950811432902018, 1.3011209617188815, 1.610398615805228].forEach((s, j) => close(r.se[j], s, 1e-6, `se ${j}`));
  close(r.deviance, 13.281106330651415, 1e-8, 'deviance');
});

test('IRLS Poisson regression with a log-exposure offset matches statsmodels', () => {
  const r = fitGlm(X, yp, { family: 'poisson', offset: expo.map(Math.log) });
  assert.ok(r.converged);
  [-0.32444931704431834, 0.7627112128806715, 0.278832562680671].forEach((b, j) => close(r.coef[j], b, 1e-7, `coef ${j}`));
  [0.33622598140092974, 0.16807511550914986, 0.31923626791002624].forEach((s, j) => close(r.se[j], s, 1e-6, `se ${j}`));
  close(r.deviance, 13.772437282330182, 1e-8, 'deviance');
});

test('GLM rejects bad responses and separated data clearly', () => {
  assert.throws(() => fitGlm(X, yb.map((v) => v * 2), { family: 'binomial' }), /bad response/);
  assert.throws(() => fitGlm(X, yp.map((v) => -v - 1), { family: 'poisson' }), /bad response/);
  assert.throws(() => fitGlm(X.slice(0, 3), yb, { family: 'binomial' }), /rows/);
});

test('WLS matches statsmodels; GLS with Σ = diag(1/w) and estimated scale equals WLS', () => {
  const noise = [0.1, -0.2, 0.05, 0.3, -0.1, 0.0, 0.2, -0.3, 0.1, 0.05, -0.05, 0.15, -0.2, 0.1, 0.0, -0.1, 0.2, 0.05, -0.15, 0.1];
  const y = x1.map((v, i) => 0.7 * v - 0.3 * x2[i] + noise[i]);
  const r = leastSquares(X, y, expo);
  [-0.05518071657866959, 0.7600854890486088, -0.1634886769173835].forEach((b, j) => close(r.coef[j], b, 1e-12, `coef ${j}`));
  [0.04036497922514003, 0.023193735061133446, 0.05886392299320202].forEach((s, j) => close(r.se[j], s, 1e-12, `se ${j}`));
  const sigma = expo.map((w, i) => expo.map((_, k) => (i === k ? 1 / w : 0)));
  const g = gls(X, y, sigma, { estimateScale: true });
  g.coef.forEach((b, j) => close(b, r.coef[j], 1e-10, `gls coef ${j}`));
  g.se.forEach((s, j) => close(s, r.se[j], 1e-10, `gls se ${j}`));
  assert.throws(() => leastSquares(X.map((row) => [row[0], row[0]]), y), /rank deficient/);
});

test('Brent root and minimiser', () => {
  const r = brentRoot((x) => Math.cos(x) - x, 0, 1);
  assert.ok(r.converged);
  close(r.x, 0.7390851332151607, 1e-12, 'dottie');
  close(brentRoot((x) => x * x * x - 2 * x - 5, 2, 3).x, 2.0945514815423265, 1e-12, 'wallis');
  assert.throws(() => brentRoot((x) => x * x + 1, -1, 1), /bracket/);
  const m = brentMinimize((x) => (x - 2) ** 2 + 1, -10, 10);
  close(m.x, 2, 1e-7, 'min');
  close(m.fx, 1, 1e-12, 'fmin');
  close(brentMinimize((x) => Math.sin(x), 3, 6).x, 1.5 * Math.PI, 1e-7, 'sin min');
});

const rosen = (x: number[]) => {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) s += 100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2;
  return s;
};
const rosenGrad = (x: number[]) => {
  const g = new Array<number>(x.length).fill(0);
  for (let i = 0; i < x.length - 1; i++) {
    g[i] += -400 * x[i] * (x[i + 1] - x[i] ** 2) - 2 * (1 - x[i]);
    g[i + 1] += 200 * (x[i + 1] - x[i] ** 2);
  }
  return g;
};

test('Nelder–Mead finds the Rosenbrock minimum', () => {
  const r = nelderMead(rosen, [-1.2, 1], { step: 0.5 });
  assert.ok(r.converged);
  close(r.x[0], 1, 1e-4, 'x0');
  close(r.x[1], 1, 1e-4, 'x1');
});

test('L-BFGS finds the 10-D Rosenbrock minimum; numeric gradient matches analytic', () => {
  const x0 = Array.from({ length: 10 }, (_, i) => (i % 2 ? 1 : -1.2));
  const r = lbfgs((x) => ({ f: rosen(x), g: rosenGrad(x) }), x0, { gtol: 1e-9 });
  assert.ok(r.converged, `gradNorm ${r.gradNorm}`);
  r.x.forEach((v, i) => close(v, 1, 1e-6, `x${i}`));
  const ng = numericGradient(rosen, [0.3, -0.2, 0.9]);
  rosenGrad([0.3, -0.2, 0.9]).forEach((g, i) => close(ng[i], g, 1e-5, `grad ${i}`));
  assert.throws(() => lbfgs(() => ({ f: NaN, g: [0] }), [0]), /not finite/);
});

test('HMM forward–backward and Viterbi equal brute-force enumeration', () => {
  const init = [0.6, 0.3, 0.1];
  const A = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]];
  const B = [[0.5, 0.4, 0.1], [0.1, 0.3, 0.6], [0.3, 0.3, 0.4]]; // state × symbol
  const obs = [0, 2, 2, 1, 0, 2];
  const T = obs.length, K = 3;
  const logEmit = obs.map((o) => B.map((row) => Math.log(row[o])));
  const h = { logInit: init.map(Math.log), logEmit, logTrans: logMatrix(A) };
  // brute force over all K^T paths
  let total = 0, bestP = 0, bestPath: number[] = [];
  const marg = Array.from({ length: T }, () => new Array<number>(K).fill(0));
  for (let code = 0; code < K ** T; code++) {
    const path: number[] = [];
    let c = code;
    for (let t = 0; t < T; t++) { path.push(c % K); c = Math.floor(c / K); }
    let p = init[path[0]] * B[path[0]][obs[0]];
    for (let t = 1; t < T; t++) p *= A[path[t - 1]][path[t]] * B[path[t]][obs[t]];
    total += p;
    path.forEach((s, t) => (marg[t][s] += p));
    if (p > bestP) { bestP = p; bestPath = path; }
  }
  const fb = forwardBackward(h);
  close(fb.logLik, Math.log(total), 1e-12, 'logLik');
  for (let t = 0; t < T; t++) for (let k = 0; k < K; k++) close(fb.posterior[t][k], marg[t][k] / total, 1e-12, `post ${t},${k}`);
  const v = viterbi(h);
  assert.deepEqual(v.path, bestPath);
  close(v.logProb, Math.log(bestP), 1e-12, 'viterbi');
  // time-varying transitions via a function give the same answer when constant
  close(forwardBackward({ ...h, logTrans: () => logMatrix(A) }).logLik, fb.logLik, 1e-12, 'fn trans');
  assert.throws(() => forwardBackward({ ...h, logEmit: [[0, 0]] }), /2 states/);
  close(logSumExp([-1000, -1000]), -1000 + Math.log(2), 1e-12, 'lse');
  assert.equal(logSumExp([-Infinity, -Infinity]), -Infinity);
});

test('cholesky: A = L Lᵀ, the solve recovers x, and a singular or indefinite matrix gives null', () => {
  // A = [[4, 2, 2], [2, 5, 3], [2, 3, 6]] has L = [[2, 0, 0], [1, 2, 0], [1, 1, 2]]
  const A = Float64Array.from([4, 2, 2, 2, 5, 3, 2, 3, 6]);
  const L = cholesky(A, 3, 1e-12)!;
  assert.deepEqual(Array.from(L), [2, 0, 0, 1, 2, 0, 1, 1, 2]);
  const x = [1, -2, 0.5];
  const b = [0, 1, 2].map((i) => x.reduce((s, xj, j) => s + A[i * 3 + j] * xj, 0));
  cholSolve(L, b, 3).forEach((v, i) => close(v, x[i], 1e-12, `x${i}`));
  assert.equal(cholesky(Float64Array.from([1, 2, 2, 4]), 2, 1e-12), null, 'rank 1');
  assert.equal(cholesky(Float64Array.from([1, 3, 3, 1]), 2, 1e-12), null, 'indefinite');
});
