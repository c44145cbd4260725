import type { GaussianMoments, PredictResult, UpdateResult } from "./state-filter.ts";
import { ACCEPTED, type PredictStatus, type UpdateStatus } from "./step-status.ts";

function copyOrNull(a: Float64Array | null): Float64Array | null {
  return a === null ? null : a.slice();
}

function copyMoments(m: GaussianMoments): GaussianMoments {
  return { x: m.x.slice(), P: m.P.slice() };
}

/**
 * The filters' reusable {@link PredictResult}: one instance per filter, overwritten by each predict, so the
 * hot path allocates nothing. `clone()` detaches a deep copy.
 */
export class FilterPredictResult implements PredictResult {
  readonly kind = "predict";
  status: PredictStatus = ACCEPTED;
  t = 0;
  dt = 0;
  prior: GaussianMoments;
  predicted: GaussianMoments;
  /** (E)KF only: the transition Jacobian F and process noise Q of this step (for RTS smoothing). */
  F: Float64Array | null = null;
  Q: Float64Array | null = null;

  constructor(prior: GaussianMoments, predicted: GaussianMoments) {
    this.prior = prior;
    this.predicted = predicted;
  }

  clone(): PredictResult {
    const c = new FilterPredictResult(copyMoments(this.prior), copyMoments(this.predicted));
    c.status = this.status;
    c.t = this.t;
    c.dt = this.dt;
    c.F = copyOrNull(this.F);
    c.Q = copyOrNull(this.Q);
    return c;
  }
}

/**
 * The filters' reusable {@link UpdateResult} (one per sensor), overwritten by each update of that sensor.
 * Fields are null when the step did not compute them. `clone()` detaches a deep copy.
 */
export class FilterUpdateResult implements UpdateResult {
  readonly kind = "update";
  status: UpdateStatus = ACCEPTED;
  sensor: string;
  t = 0;
  prior: GaussianMoments;
  posterior: GaussianMoments;
  z: Float64Array | null = null;
  predictedMeasurement: Float64Array | null = null;
  y: Float64Array | null = null;
  S: Float64Array | null = null;
  K: Float64Array | null = null;
  /** Backing numbers: kept as doubles (never null) so writing them on the hot path does not box them. */
  private nisValue = 0.5;
  private logLikelihoodValue = 0.5;
  private hasNis = false;
  private hasLogLikelihood = false;
  /** (E)KF only: the measurement Jacobian H used by the update (dimZ×dimX). */
  H: Float64Array | null = null;

  constructor(sensor: string, prior: GaussianMoments, posterior: GaussianMoments) {
    this.sensor = sensor;
    this.prior = prior;
    this.posterior = posterior;
  }

  /** Clears the per-step fields before a new update. */
  resetFields(): void {
    this.status = ACCEPTED;
    this.z = null;
    this.predictedMeasurement = null;
    this.y = null;
    this.S = null;
    this.K = null;
    this.hasNis = false;
    this.hasLogLikelihood = false;
    this.H = null;
  }

  get nis(): number | null {
    return this.hasNis ? this.nisValue : null;
  }

  set nis(v: number | null) {
    this.hasNis = v !== null;
    if (v !== null) this.nisValue = v;
  }

  /** The log-likelihood as a plain number (0 when not computed), without boxing. */
  get logLikelihoodOrZero(): number {
    return this.hasLogLikelihood ? this.logLikelihoodValue : 0;
  }

  get logLikelihood(): number | null {
    return this.hasLogLikelihood ? this.logLikelihoodValue : null;
  }

  set logLikelihood(v: number | null) {
    this.hasLogLikelihood = v !== null;
    if (v !== null) this.logLikelihoodValue = v;
  }

  protected copyInto(c: FilterUpdateResult): void {
    c.status = this.status;
    c.t = this.t;
    c.z = copyOrNull(this.z);
    c.predictedMeasurement = copyOrNull(this.predictedMeasurement);
    c.y = copyOrNull(this.y);
    c.S = copyOrNull(this.S);
    c.K = copyOrNull(this.K);
    c.nis = this.nis;
    c.logLikelihood = this.logLikelihood;
    c.H = copyOrNull(this.H);
  }

  clone(): UpdateResult {
    const c = new FilterUpdateResult(this.sensor, copyMoments(this.prior), copyMoments(this.posterior));
    this.copyInto(c);
    return c;
  }
}

/** A predict result of the unscented filter, with its sigma points χ and the propagated points f(χ). */
export class UnscentedPredictResult extends FilterPredictResult {
  /** Sigma points of the previous posterior, (2n+1)×n row-major (null when the step was skipped). */
  sigmaPoints: Float64Array | null = null;
  /** f(χᵢ, dt, u), (2n+1)×n. */
  propagatedSigmaPoints: Float64Array | null = null;

  override clone(): UnscentedPredictResult {
    const c = new UnscentedPredictResult(copyMoments(this.prior), copyMoments(this.predicted));
    c.status = this.status;
    c.t = this.t;
    c.dt = this.dt;
    c.sigmaPoints = copyOrNull(this.sigmaPoints);
    c.propagatedSigmaPoints = copyOrNull(this.propagatedSigmaPoints);
    return c;
  }
}

/** An update result of the unscented filter, with sigma points χ of the prior, γᵢ = h(χᵢ) and Pxz. */
export class UnscentedUpdateResult extends FilterUpdateResult {
  sigmaPoints: Float64Array | null = null;
  sigmaMeasurements: Float64Array | null = null;
  Pxz: Float64Array | null = null;

  override resetFields(): void {
    super.resetFields();
    this.sigmaPoints = null;
    this.sigmaMeasurements = null;
    this.Pxz = null;
  }

  override clone(): UnscentedUpdateResult {
    const c = new UnscentedUpdateResult(this.sensor, copyMoments(this.prior), copyMoments(this.posterior));
    this.copyInto(c);
    c.sigmaPoints = copyOrNull(this.sigmaPoints);
    c.sigmaMeasurements = copyOrNull(this.sigmaMeasurements);
    c.Pxz = copyOrNull(this.Pxz);
    return c;
  }
}
