import { searchSortedLeft } from "./resampler.ts";

/**
 * Residual resampling, textbook form (Liu & Chen 1998):
 * copy particle i ⌊N·wᵢ⌋ times (in index order, k copies in all), then fill the remaining N − k slots by
 * multinomial draws from the residuals rᵢ = N·wᵢ − ⌊N·wᵢ⌋, normalised: cs = cumsum(r / Σr), cs[N−1] = 1,
 * one searchsorted-left per draw.
 *
 * FilterPy 1.4.5 uses rᵢ = wᵢ − ⌊N·wᵢ⌋ (rlabbe/filterpy#290); this implements the corrected algorithm,
 * matching the conformance file's `expected_indices_corrected`.
 */
export function residualResample(
  weights: Float64Array,
  uniform: () => number,
  out: Int32Array,
  scratch: Float64Array,
): Int32Array {
  const n = weights.length;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const copies = Math.floor(n * (weights[i] as number));
    for (let c = 0; c < copies && k < n; c++) out[k++] = i;
  }
  if (k >= n) return out;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const nw = n * (weights[i] as number);
    const r = nw - Math.floor(nw);
    scratch[i] = r;
    sum += r;
  }
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += (scratch[i] as number) / sum;
    scratch[i] = s;
  }
  scratch[n - 1] = 1;
  for (; k < n; k++) out[k] = searchSortedLeft(scratch, uniform(), n);
  return out;
}
