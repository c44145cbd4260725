/**
 * Solves A·X = B for X given the lower Cholesky factor L of A (A = L·Lᵀ), allocation-free.
 *
 * B and X are n×cols row-major; X may alias B (the solve works column by column in place). Forward
 * substitution L·Y = B, then back substitution Lᵀ·X = Y.
 */
export function choleskySolve(L: Float64Array, B: Float64Array, X: Float64Array, n: number, cols: number): void {
  if (X !== B) for (let i = 0, len = n * cols; i < len; i++) X[i] = B[i] as number;
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

/**
 * ln det A = 2 ln Π L[i,i] from the lower Cholesky factor L of A (one logarithm; falls back to
 * 2 Σ ln L[i,i] when the product under- or overflows).
 */
export function choleskyLogDeterminant(L: Float64Array, n: number): number {
  let p = 1;
  for (let i = 0; i < n; i++) p *= L[i * n + i] as number;
  if (p > 1e-280 && p < 1e280) return 2 * Math.log(p);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(L[i * n + i] as number);
  return 2 * s;
}

/**
 * A⁻¹ = L⁻ᵀ L⁻¹ from the lower Cholesky factor L of A (n×n), exactly symmetric. `work` holds n·n values
 * (it receives L⁻¹). Cheaper than n solves for the small S of a measurement update.
 */
export function choleskyInverse(L: Float64Array, out: Float64Array, work: Float64Array, n: number): void {
  const W = work;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      if (i < j) {
        W[i * n + j] = 0;
        continue;
      }
      let s = i === j ? 1 : 0;
      for (let k = j; k < i; k++) s -= (L[i * n + k] as number) * (W[k * n + j] as number);
      W[i * n + j] = s / (L[i * n + i] as number);
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += (W[k * n + i] as number) * (W[k * n + j] as number);
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
}
