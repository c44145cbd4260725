/**
 * A resampling scheme: given normalised weights w (length N) and a source of uniform [0, 1) draws, write N
 * ancestor indices into `out` (length ≥ N). `scratch` (length ≥ N) holds the cumulative sum, so the
 * particle filter's hot path allocates nothing. Pure: the only randomness comes from `uniform`, so recorded
 * draws (the FilterPy conformance vectors) can be replayed.
 */
export type Resampler = (
  weights: Float64Array,
  uniform: () => number,
  out: Int32Array,
  scratch: Float64Array,
) => Int32Array;

/** Names of the built-in resamplers. */
export type ResamplerName = "systematic" | "stratified" | "residual" | "multinomial";

/** cumsum, left to right, into `out`. */
export function cumulativeSum(w: Float64Array, out: Float64Array, n: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += w[i] as number;
    out[i] = s;
  }
}

/** First j ≥ lo with cs[j] ≥ v (numpy searchsorted side="left"); n − 1 if none. */
export function searchSortedLeft(cs: Float64Array, v: number, n: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cs[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo < n ? lo : n - 1;
}
