import type { MeasurementModel } from "../models/measurement-model.ts";
import type { TransitionModel } from "../models/transition-model.ts";
import type { FilterHealth } from "./filter-health.ts";
import type { PredictStatus, QuarantineInfo, UpdateStatus } from "./step-status.ts";

/**
 * One sensor of a filter: its measurement model and optional NIS gate.
 *
 * The gate rejects an update when nis = yᵀS⁻¹y > χ²⁻¹(probability; dimZ), i.e. when the innovation is
 * outside the `probability` mass of its predicted distribution.
 */
export interface SensorConfig {
  readonly model: MeasurementModel;
  readonly gate?: { readonly probability: number };
}

/** Options shared by every filter: models, initial state and its time, and the time-step guard. */
export interface GaussianFilterOptions {
  readonly transition: TransitionModel;
  readonly sensors: Readonly<Record<string, SensorConfig>>;
  /** Initial mean, length dimX. */
  readonly x0: Float64Array;
  /** Initial covariance, dimX×dimX row-major, SPD. */
  readonly P0: Float64Array;
  /** Time of x0, P0 (seconds, the same clock as later `predict(t)` calls). */
  readonly t0: number;
  /** Largest accepted predict step in seconds (default: Infinity); larger ones are rejected as absurd. */
  readonly maxDt?: number;
}

/** A mean and covariance (dimX, dimX×dimX row-major). */
export interface GaussianMoments {
  readonly x: Float64Array;
  readonly P: Float64Array;
}

/**
 * The outcome of `predict(t)`: the state before (prior) and after (predicted) the time update.
 *
 * Arrays are views of the filter's working buffers, valid until the next predict/update on the same
 * filter (so the hot path allocates nothing); call `clone()` to keep a result.
 */
export interface PredictResult {
  readonly kind: "predict";
  readonly status: PredictStatus;
  /** Target time and step: dt = t − t_prior (0 when rejected). */
  readonly t: number;
  readonly dt: number;
  readonly prior: GaussianMoments;
  readonly predicted: GaussianMoments;
  /** (E)KF: the transition Jacobian F and process noise Q used (recorded for RTS smoothing); else null. */
  readonly F: Float64Array | null;
  readonly Q: Float64Array | null;
  clone(): PredictResult;
}

/**
 * The outcome of `update(sensor, z)`, explaining itself: prior (x, P), the measurement z, predicted
 * measurement ẑ, innovation y = z ⊖ ẑ (angles wrapped), its covariance S, the gain K (Gaussian filters),
 * nis = yᵀS⁻¹y, logLikelihood = log N(y; 0, S) and the posterior. Fields not computed (rejected steps) are
 * null. Same buffer-lifetime rule as {@link PredictResult}.
 */
export interface UpdateResult {
  readonly kind: "update";
  readonly status: UpdateStatus;
  readonly sensor: string;
  readonly t: number;
  readonly prior: GaussianMoments;
  readonly posterior: GaussianMoments;
  readonly z: Float64Array | null;
  readonly predictedMeasurement: Float64Array | null;
  readonly y: Float64Array | null;
  readonly S: Float64Array | null;
  readonly K: Float64Array | null;
  readonly nis: number | null;
  /**
   * Gaussian filters: log N(y; 0, S) = −½(dimZ·ln 2π + ln det S + yᵀS⁻¹y).
   * Particle filter: log p(z | z₁…ₖ₋₁) ≈ log Σᵢ wᵢ·N(z ⊖ h(xᵢ); 0, R).
   */
  readonly logLikelihood: number | null;
  clone(): UpdateResult;
}

/**
 * The one interface every filter implements: predict to an absolute time, update with a measurement from a
 * named sensor, read the estimate.
 */
export interface StateFilter {
  readonly kind: "kf" | "ekf" | "ukf" | "pf";
  /** Time of the current estimate. */
  readonly t: number;
  readonly dimX: number;
  readonly transition: TransitionModel;
  readonly sensors: Readonly<Record<string, SensorConfig>>;
  /** Counters of steps, gating, rejections and numerical repairs. */
  readonly health: Readonly<FilterHealth>;
  /** Set when the filter's numbers went bad; then readers throw FilterQuarantinedError and steps are refused. */
  readonly quarantine: QuarantineInfo | undefined;
  /** Sum of the log-likelihoods of all accepted updates since construction (for noise tuning). */
  readonly logLikelihood: number;
  /** Latest control input (length dimU). */
  readonly lastInput: Float64Array;
  /** Copy of the mean. */
  mean(): Float64Array;
  /** Copy of the covariance (dimX×dimX, row-major). */
  covariance(): Float64Array;
  /** Predict to absolute time t (dt = t − this.t, any positive step), with control input u (zeros if omitted). */
  predict(t: number, u?: Float64Array): PredictResult;
  /** Update with measurement z from the named sensor, at the current time. */
  update(sensor: string, z: Float64Array): UpdateResult;
  /** Clears a quarantine by re-initialising the state (the health counters are kept). */
  reset(x0: Float64Array, P0: Float64Array, t0: number): void;
}
