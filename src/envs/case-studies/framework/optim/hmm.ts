// Discrete-state hidden Markov models in log space: forward–backward (log-likelihood and
// posterior state probabilities) and Viterbi. Transitions may change along the sequence
// (e.g. with genetic distance between markers), so they are given per step.

export interface HmmInput {
  /** log P(state at t = 0), length K */
  logInit: ArrayLike<number>;
  /** log emission probabilities, T rows of K */
  logEmit: ArrayLike<number>[];
  /** log transition matrix K×K (row = from), or per step: logTrans(t) for the move t-1 → t */
  logTrans: number[][] | ((t: number) => number[][]);
}

export interface ForwardBackward {
  logLik: number;
  /** posterior P(state_t = k | all data), T rows of K */
  posterior: Float64Array[];
  logAlpha: Float64Array[];
  logBeta: Float64Array[];
}

export function logSumExp(xs: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < xs.length; i++) if (xs[i] > m) m = xs[i];
  if (m === -Infinity) return -Infinity;
  if (m === Infinity) return Infinity;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += Math.exp(xs[i] - m);
  return m + Math.log(s);
}

function checkShapes(h: HmmInput): number {
  const K = h.logInit.length;
  if (K === 0) throw new Error('hmm: no states');
  if (h.logEmit.length === 0) throw new Error('hmm: empty sequence');
  h.logEmit.forEach((row, t) => {
    if (row.length !== K) throw new Error(`hmm: emission row ${t} has ${row.length} states, expected ${K}`);
  });
  return K;
}

function transAt(h: HmmInput, t: number, K: number): number[][] {
  const A = typeof h.logTrans === 'function' ? h.logTrans(t) : h.logTrans;
  if (A.length !== K || A.some((r) => r.length !== K)) throw new Error(`hmm: transition matrix at step ${t} is not ${K}×${K}`);
  return A;
}

export function forwardBackward(h: HmmInput): ForwardBackward {
  const K = checkShapes(h);
  const T = h.logEmit.length;
  const la: Float64Array[] = [];
  const first = new Float64Array(K);
  for (let k = 0; k < K; k++) first[k] = h.logInit[k] + h.logEmit[0][k];
  la.push(first);
  const tmp = new Float64Array(K);
  for (let t = 1; t < T; t++) {
    const A = transAt(h, t, K);
    const cur = new Float64Array(K);
    for (let j = 0; j < K; j++) {
      for (let i = 0; i < K; i++) tmp[i] = la[t - 1][i] + A[i][j];
      cur[j] = logSumExp(tmp) + h.logEmit[t][j];
    }
    la.push(cur);
  }
  const logLik = logSumExp(la[T - 1]);
  const lb: Float64Array[] = new Array(T);
  lb[T - 1] = new Float64Array(K); // log 1
  for (let t = T - 2; t >= 0; t--) {
    const A = transAt(h, t + 1, K);
    const cur = new Float64Array(K);
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) tmp[j] = A[i][j] + h.logEmit[t + 1][j] + lb[t + 1][j];
      cur[i] = logSumExp(tmp);
    }
    lb[t] = cur;
  }
  const posterior = la.map((a, t) => {
    const p = new Float64Array(K);
    for (let k = 0; k < K; k++) p[k] = Math.exp(a[k] + lb[t][k] - logLik);
    return p;
  });
  return { logLik, posterior, logAlpha: la, logBeta: lb };
}

/** Most probable state path and its joint log-probability. */
export function viterbi(h: HmmInput): { path: number[]; logProb: number } {
  const K = checkShapes(h);
  const T = h.logEmit.length;
  let delta = new Float64Array(K);
  for (let k = 0; k < K; k++) delta[k] = h.logInit[k] + h.logEmit[0][k];
  const back: Int32Array[] = [];
  for (let t = 1; t < T; t++) {
    const A = transAt(h, t, K);
    const next = new Float64Array(K);
    const ptr = new Int32Array(K);
    for (let j = 0; j < K; j++) {
      let best = -Infinity, arg = 0;
      for (let i = 0; i < K; i++) {
        const v = delta[i] + A[i][j];
        if (v > best) { best = v; arg = i; }
      }
      next[j] = best + h.logEmit[t][j];
      ptr[j] = arg;
    }
    back.push(ptr);
    delta = next;
  }
  let last = 0;
  for (let k = 1; k < K; k++) if (delta[k] > delta[last]) last = k;
  const path = new Array<number>(T);
  path[T - 1] = last;
  for (let t = T - 1; t > 0; t--) path[t - 1] = back[t - 1][path[t]];
  return { path, logProb: delta[last] };
}

/** Elementwise log of a probability matrix/vector (zeros → -Infinity). */
export function logMatrix(p: number[][]): number[][] {
  return p.map((r) => r.map(Math.log));
}
