import { cumulativeSum } from "./resampler.ts";

/**
 * Stratified resampling (Kitagawa 1996; FilterPy `stratified_resample`): N draws uᵢ,
 * positions pᵢ = (uᵢ + i)/N (one per stratum), out[i] = first j with cumsum(w)[j] > pᵢ.
 */
export function stratifiedResample(
  weights: Float64Array,
  uniform: () => number,
  out: Int32Array,
  scratch: Float64Array,
): Int32Array {
  const n = weights.length;
  cumulativeSum(weights, scratch, n);
  let j = 0;
  for (let i = 0; i < n; i++) {
    const p = (uniform() + i) / n;
    while (j < n - 1 && !(p < (scratch[j] as number))) j++;
    out[i] = j;
  }
  return out;
}
