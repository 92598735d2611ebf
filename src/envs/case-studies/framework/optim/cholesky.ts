// Cholesky factorisation and solves for small symmetric positive-definite systems on flat,
// row-major Float64Arrays (the p × p normal equations of many-row, few-column fits). Allocation
// stays at one p × p factor and two p-vectors, so hot fitting loops can call it every iteration.

/**
 * The lower-triangular factor L (row-major, A = L Lᵀ), or null when a pivot is not above
 * `relTol` × max(1, |A_jj|): the matrix is singular or not positive definite.
 */
export function cholesky(A: Float64Array, p: number, relTol: number): Float64Array | null {
  const L = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let d = A[j * p + j];
    for (let k = 0; k < j; k++) d -= L[j * p + k] * L[j * p + k];
    if (!(d > relTol * Math.max(1, Math.abs(A[j * p + j])))) return null;
    const ljj = Math.sqrt(d);
    L[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = A[i * p + j];
      for (let k = 0; k < j; k++) s -= L[i * p + k] * L[j * p + k];
      L[i * p + j] = s / ljj;
    }
  }
  return L;
}

/** Solves L Lᵀ x = b by forward then back substitution. */
export function cholSolve(L: Float64Array, b: ArrayLike<number>, p: number): Float64Array {
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * p + k] * z[k];
    z[i] = s / L[i * p + i];
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < p; k++) s -= L[k * p + i] * x[k];
    x[i] = s / L[i * p + i];
  }
  return x;
}
