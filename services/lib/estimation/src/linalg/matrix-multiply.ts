/**
 * Dense matrix products on row-major Float64Arrays, allocation-free.
 *
 * Why plain loops: for the small fixed sizes of state estimation (n ≤ ~20) straight loops over typed arrays
 * are what V8 optimises best; `out` must not alias an input.
 */

/** out(m×n) = A(m×k) · B(k×n). */
export function multiply(A: Float64Array, B: Float64Array, out: Float64Array, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    const oi = i * n;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A[ai + p] * B[p * n + j];
      out[oi + j] = s;
    }
  }
}

/** out(m×n) = A(m×k) · B(n×k)ᵀ. */
export function multiplyABt(
  A: Float64Array,
  B: Float64Array,
  out: Float64Array,
  m: number,
  k: number,
  n: number,
): void {
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    const oi = i * n;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += A[ai + p] * B[bj + p];
      out[oi + j] = s;
    }
  }
}

/** out(m) = A(m×n) · x(n). */
export function multiplyVector(A: Float64Array, x: Float64Array, out: Float64Array, m: number, n: number): void {
  for (let i = 0; i < m; i++) {
    const ai = i * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += A[ai + j] * x[j];
    out[i] = s;
  }
}
