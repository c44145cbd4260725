/**
 * `v` when finite, else a finite stand-in: NaN → 0, ±Inf → ±Number.MAX_VALUE.
 *
 * Why: no NaN or Inf is ever published (invariant 4), yet a detector's statistic can legitimately be infinite
 * (e.g. −log₁₀ of a p-value that underflowed to 0); clamping keeps its sign and "beyond any threshold" meaning.
 */
export function finiteOrClamped(v: number): number {
  if (Number.isFinite(v)) return v;
  if (Number.isNaN(v)) return 0;
  return v > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
}
