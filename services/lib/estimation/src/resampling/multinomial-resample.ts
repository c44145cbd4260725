import { cumulativeSum, searchSortedLeft } from "./resampler.ts";

/**
 * Multinomial resampling (FilterPy `multinomial_resample`): cs = cumsum(w) with cs[N−1] = 1, then for each
 * of N draws uᵢ (in order) out[i] = first j with cs[j] ≥ uᵢ (searchsorted-left). Highest variance; kept for
 * comparison and as the textbook baseline.
 */
export function multinomialResample(
  weights: Float64Array,
  uniform: () => number,
  out: Int32Array,
  scratch: Float64Array,
): Int32Array {
  const n = weights.length;
  cumulativeSum(weights, scratch, n);
  scratch[n - 1] = 1;
  for (let i = 0; i < n; i++) out[i] = searchSortedLeft(scratch, uniform(), n);
  return out;
}
