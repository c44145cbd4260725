import { symmetricEigen } from "./symmetric-eigen.ts";

/**
 * Nearest symmetric positive definite matrix in the Frobenius norm (Higham 1988, "Computing a nearest
 * symmetric positive semidefinite matrix"), written into `out`.
 *
 * B = ½(A + Aᵀ); with B = V·diag(λ)·Vᵀ the nearest PSD matrix is X = V·diag(max(λ, 0))·Vᵀ (equal to
 * ½(B + H) with H the polar factor of B). Eigenvalues are then floored at `minEigen` =
 * max(floorRelative·max|λ|, tiny) so the result is strictly positive definite and Cholesky succeeds.
 * Scratch: `work` needs 3·n·n + n values.
 */
export function nearestSpd(
  A: Float64Array,
  out: Float64Array,
  work: Float64Array,
  n: number,
  floorRelative = 1e-12,
): void {
  const nn = n * n;
  const B = work.subarray(0, nn);
  const V = work.subarray(nn, 2 * nn);
  const eigWork = work.subarray(2 * nn, 3 * nn);
  const lambda = work.subarray(3 * nn, 3 * nn + n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const a = A[i * n + j];
      const b = A[j * n + i];
      B[i * n + j] = Number.isFinite(a) && Number.isFinite(b) ? 0.5 * (a + b) : 0;
    }
  }
  symmetricEigen(B, lambda, V, eigWork, n);
  let maxAbs = 0;
  for (let i = 0; i < n; i++) maxAbs = Math.max(maxAbs, Math.abs(lambda[i]));
  const floor = Math.max(floorRelative * maxAbs, 1e-300);
  for (let i = 0; i < n; i++) if (!(lambda[i] > floor)) lambda[i] = floor;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += V[i * n + k] * lambda[k] * V[j * n + k];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
}
