import { normalQuantile } from "../statistics/normal-quantile.ts";

/** A central interval of probability `level` per state variable: P(lower ≤ xᵢ ≤ upper) = level. */
export interface CentralInterval {
  readonly level: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/**
 * Gaussian central intervals mean ± z·σ with z = Φ⁻¹((1 + level)/2) (e.g. level 0.95 ⇒ z = 1.959964).
 */
export function gaussianIntervals(mean: Float64Array, std: Float64Array, levels: readonly number[]): CentralInterval[] {
  return levels.map((level) => {
    if (!(level > 0 && level < 1)) throw new RangeError(`interval level must be in (0, 1), got ${level}`);
    const z = normalQuantile((1 + level) / 2);
    const lower = new Float64Array(mean.length);
    const upper = new Float64Array(mean.length);
    for (let i = 0; i < mean.length; i++) {
      lower[i] = (mean[i] as number) - z * (std[i] as number);
      upper[i] = (mean[i] as number) + z * (std[i] as number);
    }
    return { level, lower, upper };
  });
}

/**
 * Weighted quantile of values vᵢ with weights wᵢ (Σw = 1): the smallest v such that the weight of
 * {vᵢ ≤ v} is ≥ q (inverse of the weighted empirical CDF). `order` is scratch of length N.
 */
export function weightedQuantile(values: Float64Array, weights: Float64Array, q: number, order: Int32Array): number {
  const out = new Float64Array(1);
  weightedQuantiles(values, weights, [q], order, out);
  return out[0] as number;
}

/**
 * {@link weightedQuantile} for several probabilities `qs` (ascending) at once, written to `out`: one sort of the
 * values instead of one per probability (the particle filter's intervals need two per level and variable).
 */
export function weightedQuantiles(
  values: Float64Array,
  weights: Float64Array,
  qs: readonly number[],
  order: Int32Array,
  out: Float64Array,
): void {
  const N = values.length;
  for (let i = 0; i < N; i++) order[i] = i;
  order.sort((a, b) => (values[a] as number) - (values[b] as number));
  let total = 0;
  for (let i = 0; i < N; i++) total += weights[i] as number;
  let acc = 0;
  let k = 0;
  for (let j = 0; j < qs.length; j++) {
    const q = qs[j] as number;
    if (j > 0 && q < (qs[j - 1] as number)) throw new RangeError("weightedQuantiles: probabilities must be ascending");
    // acc is the weight of order[0..k−1]; advance to the first k whose cumulative weight reaches q.
    for (;;) {
      if (k >= N) {
        out[j] = values[order[N - 1] as number] as number;
        break;
      }
      const i = order[k] as number;
      const next = acc + (weights[i] as number) / total;
      if (next >= q) {
        out[j] = values[i] as number;
        break;
      }
      acc = next;
      k++;
    }
  }
}
