/**
 * Central finite-difference Jacobian of a vector map g: R^n → R^m at x (m×n, row-major), with step
 * h_j = 1e-6·max(1, |x_j|), and the max-norm relative error between it and an analytic Jacobian:
 *   err = max|J − J_fd| / max(1, max|J|).
 * Truncation error is O(h²·g''') and round-off O(ε/h), both far below the 1e-6 the tests demand.
 */
export function finiteDifferenceJacobian(
  g: (x: Float64Array, out: Float64Array) => void,
  x: Float64Array,
  m: number,
): Float64Array {
  const n = x.length;
  const J = new Float64Array(m * n);
  const plus = new Float64Array(m);
  const minus = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    const h = 1e-6 * Math.max(1, Math.abs(x[j]));
    const xp = Float64Array.from(x);
    const xm = Float64Array.from(x);
    xp[j] += h;
    xm[j] -= h;
    g(xp, plus);
    g(xm, minus);
    for (let i = 0; i < m; i++) J[i * n + j] = (plus[i] - minus[i]) / (2 * h);
  }
  return J;
}

/** max|A − B| / max(1, max|A|). */
export function relativeError(A: Float64Array, B: Float64Array): number {
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < A.length; i++) {
    diff = Math.max(diff, Math.abs(A[i] - B[i]));
    scale = Math.max(scale, Math.abs(A[i]));
  }
  return diff / scale;
}
