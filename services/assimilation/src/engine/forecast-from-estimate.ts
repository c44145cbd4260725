import { create } from "@bufbuild/protobuf";
import type { TransitionModel } from "@twinstate/estimation";
import { type ForecastStep, ForecastStepSchema, type StateEstimate } from "@twinstate/proto";
import type { TwinClass } from "../definitions/twin-class.ts";
import { estimateIntervals } from "./estimate-intervals.ts";
import { secondsToTimestamp, timestampToSeconds } from "./event-time.ts";
import { marginalStd, packUpper } from "./gaussian-summary.ts";

/** A control input change at `offset` seconds after the forecast origin (zero-order hold). */
export interface InputChange {
  readonly offset: number;
  readonly values: Readonly<Record<string, number>>;
}

/** What to forecast. */
export interface ForecastRequestOptions {
  readonly horizon: number;
  readonly step: number;
  readonly levels: readonly number[];
  readonly includeCovariance: boolean;
  /** Model parameter overrides (on top of the binding's). */
  readonly parameters: Readonly<Record<string, number>>;
  /** The input held at the origin (the live twin's, or the class defaults). */
  readonly input: Float64Array;
  readonly inputProfile: readonly InputChange[];
  readonly maxSteps: number;
}

/** A forecast request that cannot be served (bad horizon/step, unknown input name, too many steps). */
export class ForecastRequestError extends Error {
  readonly code = "INVALID_FORECAST";
  constructor(message: string) {
    super(message);
    this.name = "ForecastRequestError";
  }
}

/** Unpacks an upper-triangular packed covariance into a full row-major n×n matrix. */
export function unpackUpper(packed: readonly number[], n: number): Float64Array {
  const P = new Float64Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = packed[k++] ?? 0;
      P[i * n + j] = v;
      P[j * n + i] = v;
    }
  }
  return P;
}

/**
 * Propagates an estimate through the class's transition model without measurements, on a fresh filter
 * built from a COPY of the estimate's mean and covariance: the live twin is never touched (what-if safety).
 *
 * Steps at origin + k·step for k = 1..ceil(horizon/step), the last clipped to the horizon; input changes
 * are applied at their offsets (the predict is split there), x⁻ = f(x, dt, u), P⁻ = F P Fᵀ + Q(dt).
 * Intervals per step are the weighted particle quantiles for a particle class (its cloud propagated through
 * f), mean ± z·σ for Gaussian classes.
 */
export function forecastFromEstimate(
  twinClass: TwinClass,
  estimate: StateEstimate,
  options: ForecastRequestOptions,
): ForecastStep[] {
  if (!(options.horizon > 0) || !(options.step > 0)) throw new ForecastRequestError("horizon and step must be > 0");
  const count = Math.ceil(options.horizon / options.step);
  if (count > options.maxSteps)
    throw new ForecastRequestError(`${count} steps exceed the limit of ${options.maxSteps}`);
  for (const level of options.levels) {
    if (!(level > 0 && level < 1)) throw new ForecastRequestError(`interval level ${level} is not in (0, 1)`);
  }
  const n = twinClass.stateNames.length;
  const t0 = estimate.eventTime === undefined ? 0 : timestampToSeconds(estimate.eventTime);
  const source = `forecast ${estimate.tenant}/${estimate.asset}`;
  let transition: TransitionModel;
  try {
    transition = twinClass.transitionWith(options.parameters, source);
  } catch (error) {
    throw new ForecastRequestError((error as Error).message);
  }
  const filter = twinClass.createFilterFrom(
    transition,
    Float64Array.from(estimate.mean),
    unpackUpper(estimate.covariance, n),
    t0,
    source,
  );
  const u = Float64Array.from(options.input);
  if (u.length > 0) filter.predict(t0, u);
  const changes = [...options.inputProfile].sort((a, b) => a.offset - b.offset);
  for (const c of changes) {
    for (const name of Object.keys(c.values)) {
      if (!twinClass.inputNames.includes(name)) {
        throw new ForecastRequestError(
          `"${name}" is not an input of ${twinClass.key} (${twinClass.inputNames.join(", ")})`,
        );
      }
    }
  }
  let next = 0;
  const steps: ForecastStep[] = [];
  for (let k = 1; k <= count; k++) {
    const offset = Math.min(k * options.step, options.horizon);
    while (next < changes.length && (changes[next]?.offset ?? Number.POSITIVE_INFINITY) <= offset) {
      const change = changes[next] as InputChange;
      if (change.offset > 0) filter.predict(t0 + change.offset);
      for (const [name, value] of Object.entries(change.values)) u[twinClass.inputNames.indexOf(name)] = value;
      filter.predict(t0 + Math.max(0, change.offset), u);
      next++;
    }
    const r = filter.predict(t0 + offset);
    if (r.status.kind === "rejected")
      throw new ForecastRequestError(`forecast stopped at +${offset}s: ${r.status.message}`);
    const x = filter.mean();
    const P = filter.covariance();
    const std = marginalStd(P, n);
    steps.push(
      create(ForecastStepSchema, {
        time: secondsToTimestamp(t0 + offset),
        mean: Array.from(x),
        stdDev: std,
        intervals: estimateIntervals(filter, x, std, options.levels),
        covariance: options.includeCovariance ? packUpper(P, n) : [],
      }),
    );
  }
  return steps;
}
