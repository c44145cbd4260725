import { FilterQuarantinedError } from "../errors/filter-quarantined-error.ts";
import { InvalidFilterConfigError } from "../errors/invalid-filter-config-error.ts";
import { type CopyKernel, copyKernel } from "../linalg/copy-kernel.ts";
import { allFinite } from "../linalg/matrix-elementwise.ts";
import type { TransitionModel } from "../models/transition-model.ts";
import { type CentralInterval, gaussianIntervals } from "../outputs/central-interval.ts";
import { type ForecastOptions, type ForecastStep, forecast } from "../outputs/forecast.ts";
import { createFilterHealth, FILTER_HEALTH_FIELDS, type FilterHealth } from "./filter-health.ts";
import type { FilterSnapshot } from "./filter-snapshot.ts";
import { SensorWorkspace } from "./sensor-workspace.ts";
import type { GaussianFilterOptions, PredictResult, SensorConfig, StateFilter, UpdateResult } from "./state-filter.ts";
import { FilterPredictResult, FilterUpdateResult } from "./step-results.ts";
import { ACCEPTED, type QuarantineInfo, type RejectedStatus, RejectionReason, rejected } from "./step-status.ts";

/**
 * What every filter shares, whatever its representation of the state: the models, the clock, input and
 * time-step validation, quarantine, health counters and the run log-likelihood.
 *
 * Template: `predict` validates (finite t and u, dt ≥ 0, dt ≤ maxDt, not quarantined), saves the prior,
 * calls `predictState(dt)`, and if that produced non-finite numbers restores the prior and quarantines.
 * `update` does the same around `updateState`. A rejected step never touches the state.
 * Control inputs are held (zero-order hold): `predict(t)` without `u` reuses the latest input (zeros
 * until one is given).
 */
export abstract class FilterBase implements StateFilter {
  abstract readonly kind: "kf" | "ekf" | "ukf" | "pf";
  readonly transition: TransitionModel;
  readonly sensors: Readonly<Record<string, SensorConfig>>;
  readonly dimX: number;
  readonly dimU: number;
  readonly maxDt: number;
  readonly health: FilterHealth = createFilterHealth();
  readonly lastInput: Float64Array;
  /** Sum of log-likelihoods of accepted updates. */
  logLikelihood = 0;
  quarantine: QuarantineInfo | undefined = undefined;
  protected tNow: number;
  /** Sensor workspaces in the order of `Object.keys(sensors)`. */
  protected readonly sensorList: SensorWorkspace[];
  protected readonly sensorIndex: Map<string, SensorWorkspace>;
  /** Current mean and covariance (for the particle filter: the weighted moments of the cloud). */
  protected readonly x: Float64Array;
  protected readonly P: Float64Array;
  /** State before the current predict. */
  protected readonly xBefore: Float64Array;
  protected readonly PBefore: Float64Array;
  /** State before the current update. */
  protected readonly xPrior: Float64Array;
  protected readonly PPrior: Float64Array;
  protected readonly predictResult: FilterPredictResult;
  /** Straight-line copies of x (n) and P (n×n), cheaper than TypedArray.set at these sizes. */
  protected readonly copyX: CopyKernel;
  protected readonly copyP: CopyKernel;
  protected readonly updateResults: Map<string, FilterUpdateResult>;

  /** The construction options (models and configuration), reused by `clone()`. */
  protected readonly options: GaussianFilterOptions;

  constructor(options: GaussianFilterOptions) {
    const { transition, sensors, x0, P0, t0 } = options;
    this.options = options;
    const n = transition.dimX;
    this.transition = transition;
    this.sensors = sensors;
    this.dimX = n;
    this.dimU = transition.dimU;
    this.maxDt = options.maxDt ?? Number.POSITIVE_INFINITY;
    if (!(this.maxDt > 0)) throw new InvalidFilterConfigError("maxDt must be positive", { maxDt: this.maxDt });
    if (x0.length !== n || P0.length !== n * n) {
      throw new InvalidFilterConfigError("x0/P0 dimensions do not match the transition model", {
        dimX: n,
        x0: x0.length,
        P0: P0.length,
      });
    }
    if (!allFinite(x0) || !allFinite(P0) || !Number.isFinite(t0)) {
      throw new InvalidFilterConfigError("x0, P0 and t0 must be finite");
    }
    this.tNow = t0;
    this.lastInput = new Float64Array(this.dimU);
    this.x = Float64Array.from(x0);
    this.P = Float64Array.from(P0);
    this.xBefore = new Float64Array(n);
    this.PBefore = new Float64Array(n * n);
    this.xPrior = new Float64Array(n);
    this.PPrior = new Float64Array(n * n);
    this.copyX = copyKernel(n);
    this.copyP = copyKernel(n * n);
    this.sensorList = [];
    this.sensorIndex = new Map();
    for (const name of Object.keys(sensors)) {
      const config = sensors[name] as SensorConfig;
      if (config.model.dimX !== n) {
        throw new InvalidFilterConfigError(`sensor "${name}" has dimX ${config.model.dimX}, expected ${n}`, {
          sensor: name,
        });
      }
      const p = config.gate?.probability;
      if (p !== undefined && !(p > 0 && p < 1)) {
        throw new InvalidFilterConfigError(`sensor "${name}": gate probability must be in (0, 1)`, { sensor: name });
      }
      const ws = new SensorWorkspace(name, config, n, this.health);
      this.sensorList.push(ws);
      this.sensorIndex.set(name, ws);
    }
    this.predictResult = this.createPredictResult();
    this.updateResults = new Map();
    for (const ws of this.sensorList) {
      const result = this.createUpdateResult(ws.name);
      ws.result = result;
      this.updateResults.set(ws.name, result);
    }
  }

  get t(): number {
    return this.tNow;
  }

  /** Creates the reusable predict result (UKF overrides to add sigma points). */
  protected createPredictResult(): FilterPredictResult {
    return new FilterPredictResult({ x: this.xBefore, P: this.PBefore }, { x: this.x, P: this.P });
  }

  /** Creates the reusable update result of one sensor. */
  protected createUpdateResult(sensor: string): FilterUpdateResult {
    return new FilterUpdateResult(sensor, { x: this.xPrior, P: this.PPrior }, { x: this.x, P: this.P });
  }

  protected assertUsable(): void {
    if (this.quarantine !== undefined) {
      throw new FilterQuarantinedError(`filter is quarantined: ${this.quarantine.reason}`, {
        reason: this.quarantine.reason,
        t: this.quarantine.t,
      });
    }
  }

  mean(): Float64Array {
    this.assertUsable();
    this.syncMoments();
    return this.x.slice();
  }

  covariance(): Float64Array {
    this.assertUsable();
    this.syncMoments();
    return this.P.slice();
  }

  /** Per-variable standard deviation √P[i,i]. */
  std(): Float64Array {
    this.assertUsable();
    this.syncMoments();
    const n = this.dimX;
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) s[i] = Math.sqrt(Math.max(0, this.P[i * n + i]));
    return s;
  }

  /** Central intervals per variable at each level: Gaussian mean ± Φ⁻¹((1+level)/2)·σ (PF: particle quantiles). */
  intervals(levels: readonly number[]): CentralInterval[] {
    return gaussianIntervals(this.mean(), this.std(), levels);
  }

  /**
   * Predictive mean, std and intervals at t + step, t + 2·step, … ≤ t + horizon, computed on a clone: the
   * live filter (and its RNG) is untouched. See {@link forecast}.
   */
  forecast(horizon: number, step: number, options: ForecastOptions = {}): ForecastStep[] {
    this.assertUsable();
    return forecast(this, horizon, step, options);
  }

  predict(t: number, u?: Float64Array): PredictResult {
    const r = this.predictResult;
    r.F = null;
    r.Q = null;
    const reject = this.checkPredict(t, u);
    if (reject !== undefined) {
      this.health.rejected++;
      this.saveMomentsBeforePredict();
      r.status = reject;
      r.t = this.tNow;
      r.dt = 0;
      return r;
    }
    if (u !== undefined) this.lastInput.set(u);
    const dt = t - this.tNow;
    this.saveMomentsBeforePredict();
    this.savePredictCheckpoint();
    r.t = t;
    r.dt = dt;
    if (dt > 0 && !this.predictState(dt)) {
      this.restorePredictCheckpoint();
      r.status = this.enterQuarantine(`non-finite state after predict over dt=${dt}`);
      return r;
    }
    this.tNow = t;
    this.health.predicts++;
    r.status = ACCEPTED;
    return r;
  }

  private checkPredict(t: number, u: Float64Array | undefined): RejectedStatus | undefined {
    if (this.quarantine !== undefined) return rejected(RejectionReason.QUARANTINED, this.quarantine.reason);
    if (!Number.isFinite(t)) return rejected(RejectionReason.NON_FINITE_INPUT, `t is ${t}`);
    if (u !== undefined) {
      if (u.length !== this.dimU) {
        return rejected(RejectionReason.DIMENSION_MISMATCH, `u has length ${u.length}, expected ${this.dimU}`);
      }
      if (!allFinite(u)) return rejected(RejectionReason.NON_FINITE_INPUT, "u has non-finite entries");
    }
    const dt = t - this.tNow;
    if (!Number.isFinite(dt)) return rejected(RejectionReason.NON_FINITE_INPUT, `dt is ${dt}`);
    if (dt < 0) {
      return rejected(RejectionReason.TIME_WENT_BACKWARDS, `t=${t} is before the filter time ${this.tNow}`);
    }
    if (dt > this.maxDt) {
      return rejected(RejectionReason.TIME_STEP_TOO_LARGE, `dt=${dt} exceeds maxDt=${this.maxDt}`);
    }
    return undefined;
  }

  update(sensor: string, z: Float64Array): UpdateResult {
    const ws = this.sensorIndex.get(sensor);
    if (ws === undefined) {
      this.health.rejected++;
      this.syncMoments();
      const r = new FilterUpdateResult(sensor, { x: this.x.slice(), P: this.P.slice() }, { x: this.x, P: this.P });
      r.t = this.tNow;
      r.status = rejected(RejectionReason.UNKNOWN_SENSOR, `no sensor named "${sensor}"`);
      return r;
    }
    const r = ws.result as FilterUpdateResult;
    r.resetFields();
    r.t = this.tNow;
    this.saveMomentsBeforeUpdate(r);
    let reject: RejectedStatus | undefined;
    if (this.quarantine !== undefined) reject = rejected(RejectionReason.QUARANTINED, this.quarantine.reason);
    else if (z.length !== ws.m) {
      reject = rejected(RejectionReason.DIMENSION_MISMATCH, `z has length ${z.length}, expected ${ws.m}`);
    } else if (!allFinite(z)) reject = rejected(RejectionReason.NON_FINITE_INPUT, "z has non-finite entries");
    if (reject !== undefined) {
      this.health.rejected++;
      r.status = reject;
      return r;
    }
    ws.z.set(z);
    r.z = ws.z;
    this.saveUpdateCheckpoint();
    const outcome = this.updateState(ws, r);
    if (outcome === "numerical") {
      this.restoreUpdateCheckpoint();
      r.status = this.enterQuarantine(`non-finite state after update from sensor "${sensor}"`);
    } else if (outcome === "degenerate") {
      this.restoreUpdateCheckpoint();
      this.health.rejected++;
      r.status = rejected(RejectionReason.DEGENERATE_WEIGHTS, "every particle has zero likelihood");
    } else if (outcome === "gated") {
      this.restoreUpdateCheckpoint();
      this.health.gated++;
      r.status = { kind: "gated", threshold: ws.gateThreshold };
    } else {
      this.health.updates++;
      this.logLikelihood += r.logLikelihoodOrZero;
      r.status = ACCEPTED;
    }
    return r;
  }

  private enterQuarantine(reason: string): RejectedStatus {
    this.quarantine = { reason, t: this.tNow };
    this.health.rejected++;
    return rejected(RejectionReason.NUMERICAL_FAILURE, reason);
  }

  reset(x0: Float64Array, P0: Float64Array, t0: number): void {
    const n = this.dimX;
    if (x0.length !== n || P0.length !== n * n || !allFinite(x0) || !allFinite(P0) || !Number.isFinite(t0)) {
      throw new InvalidFilterConfigError("reset: x0/P0/t0 must be finite and of the filter's dimensions");
    }
    this.quarantine = undefined;
    this.tNow = t0;
    this.resetState(x0, P0);
  }

  /** A deep copy of the complete mutable state; see {@link FilterSnapshot}. */
  captureState(): FilterSnapshot {
    this.syncMoments();
    const extra = this.captureExtra();
    return {
      t: this.tNow,
      x: this.x.slice(),
      P: this.P.slice(),
      lastInput: this.lastInput.slice(),
      logLikelihood: this.logLikelihood,
      health: { ...this.health },
      quarantine: this.quarantine === undefined ? undefined : { ...this.quarantine },
      ...(extra === undefined ? {} : { particles: extra }),
    };
  }

  /** Restores a state captured from a filter of the same class and configuration; continues bit-identically. */
  restoreState(s: FilterSnapshot): void {
    this.tNow = s.t;
    this.x.set(s.x);
    this.P.set(s.P);
    this.lastInput.set(s.lastInput);
    this.logLikelihood = s.logLikelihood;
    for (const f of FILTER_HEALTH_FIELDS) this.health[f] = s.health[f];
    this.quarantine = s.quarantine === undefined ? undefined : { ...s.quarantine };
    this.restoreExtra(s);
  }

  /** An independent filter with the same models, configuration and state (forecasts, what-ifs). */
  clone(): this {
    const Ctor = this.constructor as new (options: GaussianFilterOptions) => this;
    const copy = new Ctor(this.options);
    copy.restoreState(this.captureState());
    return copy;
  }

  /** Brings x and P up to date (the particle filter computes its moments lazily). */
  protected syncMoments(): void {}

  /** Records the moments before a predict (the result's `prior`); Gaussian filters copy x and P. */
  protected saveMomentsBeforePredict(): void {
    this.copyX(this.x, this.xBefore);
    this.copyP(this.P, this.PBefore);
  }

  /** Records the moments before an update (the result's `prior`, and P for the Joseph form). */
  protected saveMomentsBeforeUpdate(_r: FilterUpdateResult): void {
    this.copyX(this.x, this.xPrior);
    this.copyP(this.P, this.PPrior);
  }

  /** Subclass state beyond x/P (the particle cloud). */
  protected captureExtra(): FilterSnapshot["particles"] {
    return undefined;
  }

  protected restoreExtra(_s: FilterSnapshot): void {}

  /** Re-initialises the state representation from a Gaussian. */
  protected abstract resetState(x0: Float64Array, P0: Float64Array): void;
  /** x, P (or the cloud) ← prediction over dt > 0, using `this.lastInput`; false when non-finite. */
  protected abstract predictState(dt: number): boolean;
  /**
   * Computes the update of `ws` with `ws.z` into the state and the result fields. Returns "accepted",
   * "gated" (state may be dirty: the base restores it), "numerical" (non-finite) or "degenerate" (PF).
   */
  protected abstract updateState(
    ws: SensorWorkspace,
    r: FilterUpdateResult,
  ): "accepted" | "gated" | "numerical" | "degenerate";
  /** Saves whatever `restorePredictCheckpoint` needs beyond xBefore/PBefore (the particle cloud). */
  protected abstract savePredictCheckpoint(): void;
  protected abstract restorePredictCheckpoint(): void;
  protected abstract saveUpdateCheckpoint(): void;
  protected abstract restoreUpdateCheckpoint(): void;
}
