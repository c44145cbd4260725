/**
 * Element-wise kernels on row-major Float64Arrays (same length), allocation-free.
 */

/** A ← A + B (length `len`). */
export function addInPlace(A: Float64Array, B: Float64Array, len: number): void {
  for (let i = 0; i < len; i++) A[i] += B[i];
}

/** A ← ½(A + Aᵀ) for an n×n matrix, so that A[i,j] and A[j,i] are bit-identical. */
export function symmetrize(A: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (A[i * n + j] + A[j * n + i]);
      A[i * n + j] = v;
      A[j * n + i] = v;
    }
  }
}

/** True when every entry of the first `len` elements is finite. */
export function allFinite(A: Float64Array, len: number = A.length): boolean {
  // v·0 is 0 for finite v and NaN for ±Infinity or NaN: one branch for the whole array.
  let acc = 0;
  for (let i = 0; i < len; i++) acc += (A[i] as number) * 0;
  return acc === 0;
}

/** out ← I (n×n). */
export function setIdentity(out: Float64Array, n: number): void {
  out.fill(0, 0, n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
}
