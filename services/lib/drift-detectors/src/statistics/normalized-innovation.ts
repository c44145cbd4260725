import { InvalidSampleError } from "../errors/invalid-sample-error.ts";
import { NonFiniteSampleError } from "../errors/non-finite-sample-error.ts";

/**
 * Per-component normalized innovations z_j = y_j / √S_jj, written into `out`.
 *
 * Why per component rather than whitened: each z_j stays tied to one measured quantity, so a detection
 * names the channel that drifted. Each z_j is N(0, 1) under a consistent filter (components may correlate).
 */
export function normalizeInnovation(y: ArrayLike<number>, S: ArrayLike<number>, out: Float64Array): Float64Array {
  const m = out.length;
  if (y.length !== m || S.length !== m * m) {
    throw new InvalidSampleError("innovation or its covariance has the wrong dimension", {
      expected: m,
      y: y.length,
      S: S.length,
    });
  }
  for (let j = 0; j < m; j++) {
    const yj = y[j]!;
    const sjj = S[j * m + j]!;
    if (!Number.isFinite(yj) || !Number.isFinite(sjj)) {
      throw new NonFiniteSampleError("innovation is not finite", { component: j, y: yj, S: sjj });
    }
    if (!(sjj > 0)) throw new InvalidSampleError("innovation variance S_jj must be > 0", { component: j, S: sjj });
    out[j] = yj / Math.sqrt(sjj);
  }
  return out;
}

/**
 * Normalized innovation squared nis = yᵀ S⁻¹ y via the Cholesky factor S = L Lᵀ (nis = ‖L⁻¹ y‖²).
 * Throws `InvalidSampleError` when S is not positive definite.
 */
export function normalizedInnovationSquared(y: ArrayLike<number>, S: ArrayLike<number>, m: number): number {
  const L = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = S[i * m + j]!;
      for (let k = 0; k < j; k++) s -= L[i * m + k]! * L[j * m + k]!;
      if (i === j) {
        if (!(s > 0)) throw new InvalidSampleError("innovation covariance S is not positive definite", { row: i });
        L[i * m + i] = Math.sqrt(s);
      } else {
        L[i * m + j] = s / L[j * m + j]!;
      }
    }
  }
  let nis = 0;
  const v = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = y[i]!;
    for (let k = 0; k < i; k++) s -= L[i * m + k]! * v[k]!;
    v[i] = s / L[i * m + i]!;
    nis += v[i]! * v[i]!;
  }
  return nis;
}
