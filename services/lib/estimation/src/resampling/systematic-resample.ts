import { cumulativeSum } from "./resampler.ts";

/**
 * Systematic resampling (Kitagawa 1996; FilterPy `systematic_resample`): one draw u,
 * positions pᵢ = (u + i)/N, out[i] = first j with cumsum(w)[j] > pᵢ. Lowest variance of the classic
 * schemes and O(N). The cumulative sum is not forced to 1.
 */
export function systematicResample(
  weights: Float64Array,
  uniform: () => number,
  out: Int32Array,
  scratch: Float64Array,
): Int32Array {
  const n = weights.length;
  cumulativeSum(weights, scratch, n);
  const u = uniform();
  let j = 0;
  for (let i = 0; i < n; i++) {
    const p = (u + i) / n;
    while (j < n - 1 && !(p < (scratch[j] as number))) j++;
    out[i] = j;
  }
  return out;
}
