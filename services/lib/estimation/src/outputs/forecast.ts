import type { FilterBase } from "../filters/filter-base.ts";
import type { CentralInterval } from "./central-interval.ts";

/** One forecast step: time, mean, per-variable standard deviation and central intervals. */
export interface ForecastStep {
  readonly t: number;
  readonly mean: Float64Array;
  readonly std: Float64Array;
  readonly intervals: CentralInterval[];
}

/** Options of {@link forecast}. */
export interface ForecastOptions {
  /** Interval levels, default [0.5, 0.9, 0.95]. */
  readonly levels?: readonly number[];
  /** Control input held over the horizon (default: the filter's latest input). */
  readonly u?: Float64Array;
}

/**
 * Predictive distribution at t + step, t + 2·step, … ≤ t + horizon, without touching the live filter
 * (it runs on a `clone()`, whose RNG is a copy for the particle filter).
 *
 * Gaussian filters propagate x, P through the predict equations (intervals mean ± z·σ, z = Φ⁻¹((1+level)/2));
 * the particle filter propagates its cloud and reads the intervals as weighted particle quantiles
 * [(1−level)/2, (1+level)/2]. Stops early (shorter result) if a predict is rejected.
 */
export function forecast(
  filter: FilterBase,
  horizon: number,
  step: number,
  options: ForecastOptions = {},
): ForecastStep[] {
  if (!(horizon > 0) || !(step > 0) || !Number.isFinite(horizon) || !Number.isFinite(step)) {
    throw new RangeError("forecast horizon and step must be positive and finite");
  }
  const levels = options.levels ?? [0.5, 0.9, 0.95];
  const copy = filter.clone();
  const t0 = copy.t;
  const count = Math.floor(horizon / step + 1e-9);
  const out: ForecastStep[] = [];
  for (let k = 1; k <= count; k++) {
    const t = t0 + k * step;
    const p = copy.predict(t, options.u);
    if (p.status.kind !== "accepted") break;
    const mean = copy.mean();
    const std = copy.std();
    out.push({ t, mean, std, intervals: copy.intervals(levels) });
  }
  return out;
}
