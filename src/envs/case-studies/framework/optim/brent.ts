// Brent's methods: bracketed root finding (inverse quadratic / secant / bisection) and
// bracketed 1-D minimisation (golden section + parabolic interpolation).

export interface BrentResult {
  x: number;
  fx: number;
  iterations: number;
  converged: boolean;
}

/** Root of f in [a, b]; f(a) and f(b) must have opposite signs (or one be zero). */
export function brentRoot(f: (x: number) => number, a: number, b: number, opts: { tol?: number; maxIter?: number } = {}): BrentResult {
  const tol = opts.tol ?? 1e-12;
  const maxIter = opts.maxIter ?? 200;
  let fa = f(a), fb = f(b);
  if (Number.isNaN(fa) || Number.isNaN(fb)) throw new Error('brentRoot: f is NaN at a bracket end');
  if (fa === 0) return { x: a, fx: 0, iterations: 0, converged: true };
  if (fb === 0) return { x: b, fx: 0, iterations: 0, converged: true };
  if (fa * fb > 0) throw new Error(`brentRoot: [${a}, ${b}] does not bracket a root (f = ${fa}, ${fb})`);
  let c = a, fc = fa, d = b - a, e = d;
  for (let it = 1; it <= maxIter; it++) {
    if (fb * fc > 0) {
      c = a; fc = fa; d = b - a; e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b; b = c; c = a;
      fa = fb; fb = fc; fc = fa;
    }
    const tol1 = 2 * Number.EPSILON * Math.abs(b) + 0.5 * tol;
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol1 || fb === 0) return { x: b, fx: fb, iterations: it, converged: true };
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number, q: number;
      if (a === c) {
        p = 2 * xm * s;
        q = 1 - s;
      } else {
        const qq = fa / fc, r = fb / fc;
        p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      p = Math.abs(p);
      if (2 * p < Math.min(3 * xm * q - Math.abs(tol1 * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = xm; e = d;
      }
    } else {
      d = xm; e = d;
    }
    a = b; fa = fb;
    b += Math.abs(d) > tol1 ? d : xm > 0 ? tol1 : -tol1;
    fb = f(b);
  }
  return { x: b, fx: fb, iterations: maxIter, converged: false };
}

/** Minimum of f on [a, b] (unimodal assumed; otherwise a local minimum). */
export function brentMinimize(f: (x: number) => number, a: number, b: number, opts: { tol?: number; maxIter?: number } = {}): BrentResult {
  const tol = opts.tol ?? 1e-10;
  const maxIter = opts.maxIter ?? 500;
  if (!(a < b)) throw new Error(`brentMinimize: need a < b, got [${a}, ${b}]`);
  const golden = 0.5 * (3 - Math.sqrt(5));
  let x = a + golden * (b - a), w = x, v = x;
  let fx = f(x), fw = fx, fv = fx;
  let d = 0, e = 0;
  for (let it = 1; it <= maxIter; it++) {
    const xm = 0.5 * (a + b);
    const tol1 = tol * Math.abs(x) + 1e-12;
    const tol2 = 2 * tol1;
    if (Math.abs(x - xm) <= tol2 - 0.5 * (b - a)) return { x, fx, iterations: it, converged: true };
    let useGolden = true;
    if (Math.abs(e) > tol1) {
      const r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      q = Math.abs(q);
      const etemp = e;
      e = d;
      if (!(Math.abs(p) >= Math.abs(0.5 * q * etemp) || p <= q * (a - x) || p >= q * (b - x))) {
        d = p / q;
        const u = x + d;
        if (u - a < tol2 || b - u < tol2) d = xm - x >= 0 ? tol1 : -tol1;
        useGolden = false;
      }
    }
    if (useGolden) {
      e = x >= xm ? a - x : b - x;
      d = golden * e;
    }
    const u = Math.abs(d) >= tol1 ? x + d : x + (d >= 0 ? tol1 : -tol1);
    const fu = f(u);
    if (fu <= fx) {
      if (u >= x) a = x; else b = x;
      v = w; fv = fw; w = x; fw = fx; x = u; fx = fu;
    } else {
      if (u < x) a = u; else b = u;
      if (fu <= fw || w === x) {
        v = w; fv = fw; w = u; fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u; fv = fu;
      }
    }
  }
  return { x, fx, iterations: maxIter, converged: false };
}
