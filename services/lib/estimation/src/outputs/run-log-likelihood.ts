import type { StateFilter } from "../filters/state-filter.ts";

/** One step of a recorded run: predict to t, then (unless sensor is null) update with z. */
export interface RunReading {
  readonly t: number;
  readonly sensor: string | null;
  readonly z: Float64Array | null;
  readonly u?: Float64Array;
}

/**
 * Log-likelihood of a run, ln p(z₁, …, z_K) = Σₖ ln p(zₖ | z₁…ₖ₋₁) = Σₖ ln N(yₖ; 0, Sₖ) for the Gaussian
 * filters (the prediction-error decomposition), summed over accepted updates. Feeds `readings` into a fresh
 * `filter` (which it consumes) and returns the sum, so noise parameters (Q, R) can be tuned by maximising
 * it over candidate models.
 */
export function runLogLikelihood(filter: StateFilter, readings: readonly RunReading[]): number {
  const before = filter.logLikelihood;
  for (const r of readings) {
    const p = filter.predict(r.t, r.u);
    if (p.status.kind !== "accepted" || r.sensor === null || r.z === null) continue;
    filter.update(r.sensor, r.z);
  }
  return filter.logLikelihood - before;
}
