// Nelder–Mead simplex minimisation (standard coefficients: reflection 1, expansion 2,
// contraction 1/2, shrink 1/2), for small derivative-free fits.

export interface MinimizeResult {
  x: number[];
  fx: number;
  iterations: number;
  converged: boolean;
}

export interface NelderMeadOptions {
  /** initial simplex step per coordinate (default 5% of |x0| or 0.00025 for zeros, like fminsearch) */
  step?: number | number[];
  maxIter?: number;
  /** stop when the simplex's function-value spread and size are both below these */
  tolF?: number;
  tolX?: number;
}

export function nelderMead(f: (x: number[]) => number, x0: readonly number[], opts: NelderMeadOptions = {}): MinimizeResult {
  const n = x0.length;
  if (n === 0) throw new Error('nelderMead: empty starting point');
  const maxIter = opts.maxIter ?? 400 * n;
  const tolF = opts.tolF ?? 1e-10;
  const tolX = opts.tolX ?? 1e-10;
  const value = (x: number[]) => {
    const v = f(x);
    return Number.isNaN(v) ? Infinity : v;
  };
  const simplex: number[][] = [Array.from(x0)];
  for (let i = 0; i < n; i++) {
    const x = Array.from(x0);
    const s = Array.isArray(opts.step) ? opts.step[i] : opts.step ?? (x[i] !== 0 ? 0.05 * x[i] : 0.00025);
    x[i] += s;
    simplex.push(x);
  }
  let fs = simplex.map(value);
  let iter = 0;
  for (iter = 1; iter <= maxIter; iter++) {
    const order = fs.map((_, i) => i).sort((a, b) => fs[a] - fs[b]);
    const sx = order.map((i) => simplex[i]);
    const sf = order.map((i) => fs[i]);
    simplex.splice(0, simplex.length, ...sx);
    fs = sf;
    const spreadF = Math.abs(fs[n] - fs[0]);
    let spreadX = 0;
    for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) spreadX = Math.max(spreadX, Math.abs(simplex[i][j] - simplex[0][j]));
    if (spreadF <= tolF && spreadX <= tolX) return { x: simplex[0], fx: fs[0], iterations: iter, converged: true };
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] += simplex[i][j] / n;
    const along = (t: number) => centroid.map((c, j) => c + t * (simplex[n][j] - c));
    const xr = along(-1);
    const fr = value(xr);
    if (fr < fs[0]) {
      const xe = along(-2);
      const fe = value(xe);
      if (fe < fr) { simplex[n] = xe; fs[n] = fe; } else { simplex[n] = xr; fs[n] = fr; }
    } else if (fr < fs[n - 1]) {
      simplex[n] = xr; fs[n] = fr;
    } else {
      const outside = fr < fs[n];
      const xc = along(outside ? -0.5 : 0.5);
      const fc = value(xc);
      if (fc < (outside ? fr : fs[n])) {
        simplex[n] = xc; fs[n] = fc;
      } else {
        for (let i = 1; i <= n; i++) {
          simplex[i] = simplex[i].map((v, j) => simplex[0][j] + 0.5 * (v - simplex[0][j]));
          fs[i] = value(simplex[i]);
        }
      }
    }
  }
  const best = fs.indexOf(Math.min(...fs));
  return { x: simplex[best], fx: fs[best], iterations: maxIter, converged: false };
}
