// L-BFGS (two-loop recursion) with a backtracking line search on the Armijo condition plus a
// curvature check before each memory update, for smooth likelihoods with tens to thousands
// of parameters.

import type { MinimizeResult } from './nelder-mead.js';

export interface LbfgsOptions {
  /** memory size */
  m?: number;
  maxIter?: number;
  /** stop when the gradient's max-norm is below this */
  gtol?: number;
  /** stop on relative function change below this */
  ftol?: number;
}

export interface LbfgsResult extends MinimizeResult {
  gradNorm: number;
}

export type ValueAndGradient = (x: number[]) => { f: number; g: number[] };

export function lbfgs(fg: ValueAndGradient, x0: readonly number[], opts: LbfgsOptions = {}): LbfgsResult {
  const n = x0.length;
  const m = opts.m ?? 10;
  const maxIter = opts.maxIter ?? 1000;
  const gtol = opts.gtol ?? 1e-8;
  const ftol = opts.ftol ?? 1e-15;
  let x = Array.from(x0);
  let { f, g } = fg(x);
  if (!Number.isFinite(f)) throw new Error(`lbfgs: f(x0) is not finite (${f})`);
  const S: number[][] = [];
  const Y: number[][] = [];
  const rho: number[] = [];
  const maxAbs = (v: number[]) => v.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
  for (let iter = 1; iter <= maxIter; iter++) {
    if (maxAbs(g) <= gtol) return { x, fx: f, gradNorm: maxAbs(g), iterations: iter - 1, converged: true };
    // Two-loop recursion: d = -H g.
    const q = g.slice();
    const alpha = new Array<number>(S.length);
    for (let i = S.length - 1; i >= 0; i--) {
      alpha[i] = rho[i] * dot(S[i], q);
      for (let j = 0; j < n; j++) q[j] -= alpha[i] * Y[i][j];
    }
    const gamma = S.length ? dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1]) : 1 / Math.max(1, maxAbs(g));
    for (let j = 0; j < n; j++) q[j] *= gamma;
    for (let i = 0; i < S.length; i++) {
      const b = rho[i] * dot(Y[i], q);
      for (let j = 0; j < n; j++) q[j] += S[i][j] * (alpha[i] - b);
    }
    let d = q.map((v) => -v);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (bad curvature information): restart with steepest descent.
      S.length = Y.length = rho.length = 0;
      d = g.map((v) => -v / Math.max(1, maxAbs(g)));
      slope = dot(g, d);
    }
    // Backtracking line search (Armijo, c1 = 1e-4).
    let t = 1;
    let xn: number[] = x, fn = f, gn: number[] = g;
    let accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      xn = x.map((v, j) => v + t * d[j]);
      const r = fg(xn);
      fn = r.f;
      gn = r.g;
      if (Number.isFinite(fn) && fn <= f + 1e-4 * t * slope) {
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) return { x, fx: f, gradNorm: maxAbs(g), iterations: iter, converged: false };
    const s = xn.map((v, j) => v - x[j]);
    const y = gn.map((v, j) => v - g[j]);
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      if (S.length > m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    const fOld = f;
    x = xn;
    f = fn;
    g = gn;
    if (Math.abs(fOld - f) <= ftol * Math.max(1, Math.abs(f))) {
      return { x, fx: f, gradNorm: maxAbs(g), iterations: iter, converged: maxAbs(g) <= Math.sqrt(gtol) };
    }
  }
  return { x, fx: f, gradNorm: maxAbs(g), iterations: maxIter, converged: false };
}

/** Central-difference gradient, for checking analytic gradients or small problems. */
export function numericGradient(f: (x: number[]) => number, x: readonly number[], h = 1e-6): number[] {
  return x.map((_, i) => {
    const step = h * Math.max(1, Math.abs(x[i]));
    const up = Array.from(x);
    const dn = Array.from(x);
    up[i] += step;
    dn[i] -= step;
    return (f(up) - f(dn)) / (2 * step);
  });
}

function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
