/**
 * Solves A·X = B for X given the lower Cholesky factor L of A (A = L·Lᵀ), allocation-free.
 *
 * B and X are n×cols row-major; X may alias B (the solve works column by column in place). Forward
 * substitution L·Y = B, then back substitution Lᵀ·X = Y.
 */
export function choleskySolve(L: Float64Array, B: Float64Array, X: Float64Array, n: number, cols: number): void {
  if (X !== B) X.set(B.subarray(0, n * cols));
  for (let c = 0; c < cols; c++) {
    for (let i = 0; i < n; i++) {
      let s = X[i * cols + c];
      const ri = i * n;
      for (let k = 0; k < i; k++) s -= L[ri + k] * X[k * cols + c];
      X[i * cols + c] = s / L[ri + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = X[i * cols + c];
      for (let k = i + 1; k < n; k++) s -= L[k * n + i] * X[k * cols + c];
      X[i * cols + c] = s / L[i * n + i];
    }
  }
}

/**
 * Mahalanobis form yᵀ·A⁻¹·y from the lower Cholesky factor L of A: ‖L⁻¹y‖², with `work` (length n) as
 * scratch. This is the NIS when A = S and y is the innovation.
 */
export function choleskyQuadraticForm(L: Float64Array, y: Float64Array, work: Float64Array, n: number): number {
  let q = 0;
  for (let i = 0; i < n; i++) {
    let s = y[i];
    const ri = i * n;
    for (let k = 0; k < i; k++) s -= L[ri + k] * work[k];
    const v = s / L[ri + i];
    work[i] = v;
    q += v * v;
  }
  return q;
}

/** ln det A = 2 Σ ln L[i,i] from the lower Cholesky factor L of A. */
export function choleskyLogDeterminant(L: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(L[i * n + i]);
  return 2 * s;
}
