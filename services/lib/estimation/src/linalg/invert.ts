/**
 * Inverse of a small general n×n matrix by Gauss–Jordan elimination with partial pivoting.
 *
 * Why: used off the hot path (RTS smoother gain, diagnostics); filters solve with Cholesky instead.
 * `work` must hold n·n values; `out` may not alias A. Returns false when A is singular to working precision.
 */
export function invert(A: Float64Array, out: Float64Array, work: Float64Array, n: number): boolean {
  work.set(A.subarray(0, n * n));
  out.fill(0, 0, n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    let best = Math.abs(work[c * n + c]);
    for (let r = c + 1; r < n; r++) {
      const v = Math.abs(work[r * n + c]);
      if (v > best) {
        best = v;
        p = r;
      }
    }
    if (!(best > 0) || !Number.isFinite(best)) return false;
    if (p !== c) {
      for (let j = 0; j < n; j++) {
        let t = work[c * n + j];
        work[c * n + j] = work[p * n + j];
        work[p * n + j] = t;
        t = out[c * n + j];
        out[c * n + j] = out[p * n + j];
        out[p * n + j] = t;
      }
    }
    const d = work[c * n + c];
    for (let j = 0; j < n; j++) {
      work[c * n + j] /= d;
      out[c * n + j] /= d;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = work[r * n + c];
      if (f === 0) continue;
      for (let j = 0; j < n; j++) {
        work[r * n + j] -= f * work[c * n + j];
        out[r * n + j] -= f * out[c * n + j];
      }
    }
  }
  return true;
}
