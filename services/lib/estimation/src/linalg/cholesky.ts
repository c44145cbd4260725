/**
 * Lower Cholesky factorisation A = L·Lᵀ (Cholesky–Banachiewicz, row by row), allocation-free.
 *
 * L is written in full (zeros above the diagonal) so it can be used directly as a dense matrix; `L` may
 * not alias `A`. Returns false, leaving L partially written, when a pivot is not strictly positive and
 * finite, i.e. A is not (numerically) symmetric positive definite. Only the lower triangle of A is read.
 */
export function choleskyLower(A: Float64Array, L: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = A[ri + j];
      for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
      if (i === j) {
        if (!(s > 0) || s === Number.POSITIVE_INFINITY) return false;
        L[ri + i] = Math.sqrt(s);
      } else {
        L[ri + j] = s / L[rj + j];
      }
    }
    for (let j = i + 1; j < n; j++) L[ri + j] = 0;
  }
  return true;
}

/**
 * Cholesky-like factor of a symmetric positive SEMI-definite A: A ≈ L·Lᵀ, where a pivot
 * s ≤ tol·max(diag A) gives a zero column instead of failing.
 *
 * Why: process noise Q is often rank deficient (e.g. a discretised white-acceleration Q has rank 1 per
 * axis), yet particles must still be perturbed with w = L·n, n ~ N(0, I). Returns false only for
 * non-finite input or a clearly negative pivot (A not PSD).
 */
export function choleskySemidefinite(A: Float64Array, L: Float64Array, n: number, tol = 1e-12): boolean {
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(A[i * n + i]));
  const eps = tol * scale;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = A[ri + j];
      for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
      if (!Number.isFinite(s)) return false;
      if (i === j) {
        if (s < -Math.max(eps, 1e-300) * 1e3) return false;
        L[ri + i] = s > eps ? Math.sqrt(s) : 0;
      } else {
        const d = L[rj + j];
        L[ri + j] = d > 0 ? s / d : 0;
      }
    }
    for (let j = i + 1; j < n; j++) L[ri + j] = 0;
  }
  return true;
}
