import { InvalidFilterConfigError } from "../errors/invalid-filter-config-error.ts";
import {
  factorNisKernel,
  gainJosephKernel,
  innovationCovarianceKernel,
  MAX_GENERATED_MEASUREMENT,
  MAX_GENERATED_STATE,
  type PredictCovarianceKernel,
  predictCovarianceKernel,
} from "../linalg/kalman-kernels.ts";
import { readStructure } from "../linalg/matrix-structure.ts";
import { type ProductKernel, productABtKernel, productKernel } from "../linalg/specialized-kernels.ts";
import { GaussianFilter } from "./gaussian-filter.ts";
import type { SensorWorkspace } from "./sensor-workspace.ts";
import type { GaussianFilterOptions } from "./state-filter.ts";
import type { FilterUpdateResult } from "./step-results.ts";

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Kalman filter (Kalman 1960) with the Joseph-form covariance update — for linear models.
 *
 * Predict over dt with F = ∂f/∂x (constant for a linear model) and Q = Q(dt):
 *   x ← f(x, dt, u) (= F x + B u),   P ← F P Fᵀ + Q.
 * Update with sensor model h (= H x) and noise R:
 *   y = z ⊖ h(x),  S = H P Hᵀ + R,  K = P Hᵀ S⁻¹,  x ← x + K y,
 *   P ← (I − K H) P (I − K H)ᵀ + K R Kᵀ   (Joseph form: stays symmetric positive semi-definite even with a
 *   sub-optimal or round-off-perturbed K, unlike P ← (I − K H) P).
 * This is FilterPy's `KalmanFilter.predict/update` (which also uses the Joseph form).
 * F and Q are cached while dt repeats; H of a linear sensor is computed once.
 */
export class KalmanFilter extends GaussianFilter {
  readonly kind: "kf" | "ekf" = "kf";
  protected readonly F: Float64Array;
  protected readonly Q: Float64Array;
  protected readonly xNext: Float64Array;
  /**
   * n×n scratch of the generic (non-generated or fallback) path — F·P, then K·Cᵀ and A·P of the Joseph
   * form — allocated on first use: filters on the generated kernels never need it.
   */
  private genericScratch: { readonly FP: Float64Array; readonly AP: Float64Array; readonly T: Float64Array } | null =
    null;
  protected cachedDt = Number.NaN;
  private readonly mulNN: ProductKernel;
  private readonly mulNNt: ProductKernel;
  /**
   * Generated straight-line kernels for small shapes (null: generic path only), specialised to the
   * structure (structural zeros and ones) of F and Q, regenerated when it changes.
   */
  private predictKernel: PredictCovarianceKernel | null;
  private readonly generated: boolean;
  private readonly structureF: Uint8Array;
  private readonly structureQ: Uint8Array;

  private readonly scalar = new Float64Array(1);

  constructor(options: GaussianFilterOptions) {
    super(options);
    const n = this.dimX;
    if (this.transition.jacobian === undefined) {
      throw new InvalidFilterConfigError(`transition model "${this.transition.name}" has no Jacobian`);
    }
    for (const ws of this.sensorList) {
      if (ws.model.jacobian === undefined) {
        throw new InvalidFilterConfigError(`measurement model "${ws.model.name}" has no Jacobian`, { sensor: ws.name });
      }
    }
    this.checkLinearity();
    this.F = new Float64Array(n * n);
    this.Q = new Float64Array(n * n);
    this.xNext = new Float64Array(n);
    this.mulNN = productKernel(n, n, n);
    this.mulNNt = productABtKernel(n, n, n);
    const generated = n <= MAX_GENERATED_STATE;
    this.generated = generated;
    this.structureF = new Uint8Array(n * n).fill(255);
    this.structureQ = new Uint8Array(n * n).fill(255);
    this.predictKernel = generated ? predictCovarianceKernel(n) : null;
    for (const ws of this.sensorList) {
      if (generated && ws.m <= MAX_GENERATED_MEASUREMENT) {
        ws.factorNis = factorNisKernel(ws.m);
        ws.gainJoseph = gainJosephKernel(n, ws.m);
      }
    }
  }

  /** The generic path's n×n scratch matrices, allocated on first use. */
  private scratch(): { readonly FP: Float64Array; readonly AP: Float64Array; readonly T: Float64Array } {
    const nn = this.dimX * this.dimX;
    this.genericScratch ??= { FP: new Float64Array(nn), AP: new Float64Array(nn), T: new Float64Array(nn) };
    return this.genericScratch;
  }

  /** The linear KF refuses nonlinear models (use ExtendedKalmanFilter or UnscentedKalmanFilter). */
  protected checkLinearity(): void {
    if (!this.transition.linear) {
      throw new InvalidFilterConfigError(
        `KalmanFilter needs a linear transition model; "${this.transition.name}" is nonlinear`,
      );
    }
    for (const ws of this.sensorList) {
      if (!ws.model.linear) {
        throw new InvalidFilterConfigError(
          `KalmanFilter needs linear measurement models; sensor "${ws.name}" (${ws.model.name}) is nonlinear`,
          { sensor: ws.name },
        );
      }
    }
  }

  /** F ← ∂f/∂x and Q ← Q(dt); the linear KF reuses both while dt repeats. */
  protected transitionMatrices(dt: number): void {
    if (dt !== this.cachedDt) {
      (this.transition.jacobian as NonNullable<typeof this.transition.jacobian>)(this.x, dt, this.lastInput, this.F);
      this.transition.Q(dt, this.Q);
      this.cachedDt = dt;
      this.refreshPredictKernel(true);
    }
  }

  /**
   * Re-reads the structure of F (and of Q when `withQ`) and regenerates the predict kernel if it changed.
   * Called whenever F or Q is re-evaluated; costs n² comparisons.
   */
  protected refreshPredictKernel(withQ: boolean): void {
    if (!this.generated) return;
    let changed = readStructure(this.F, this.structureF);
    if (withQ && readStructure(this.Q, this.structureQ)) changed = true;
    if (changed) this.predictKernel = predictCovarianceKernel(this.dimX, this.structureF, this.structureQ);
  }

  /** Re-reads the structure of a sensor's H and regenerates its kernels if it changed (m·n comparisons). */
  protected refreshMeasurementKernels(ws: SensorWorkspace): void {
    if (ws.gainJoseph === null || !readStructure(ws.H, ws.structureH)) return;
    ws.gainJoseph = gainJosephKernel(this.dimX, ws.m, ws.structureH, ws.structureR);
    ws.innovationCovariance = innovationCovarianceKernel(this.dimX, ws.m, ws.structureH, ws.structureR);
  }

  /** Invalidates cached F/Q/H (after a restore: models may have been swapped for equal ones). */
  invalidateCaches(): void {
    this.cachedDt = Number.NaN;
    for (const ws of this.sensorList) ws.hCached = false;
  }

  protected predictState(dt: number): boolean {
    const n = this.dimX;
    this.transitionMatrices(dt);
    this.transition.f(this.x, dt, this.lastInput, this.xNext);
    this.copyX(this.xNext, this.x);
    this.predictResult.F = this.F;
    this.predictResult.Q = this.Q;
    if (this.predictKernel !== null) return this.predictKernel(this.F, this.P, this.Q, this.x);
    const FP = this.scratch().FP;
    this.mulNN(this.F, this.P, FP);
    this.mulNNt(FP, this.F, this.P);
    const P = this.P;
    const Q = this.Q;
    const nn = n * n;
    for (let i = 0; i < nn; i++) P[i] += Q[i];
    this.predictResult.F = this.F;
    this.predictResult.Q = this.Q;
    return this.finishStep();
  }

  /** H ← ∂h/∂x at the prior mean (computed once for a linear sensor). */
  protected measurementJacobian(ws: SensorWorkspace): void {
    if (!ws.hCached) {
      (ws.model.jacobian as NonNullable<typeof ws.model.jacobian>)(this.x, this.lastInput, ws.H);
      ws.hCached = true;
      this.refreshMeasurementKernels(ws);
    }
  }

  protected updateState(ws: SensorWorkspace, r: FilterUpdateResult): "accepted" | "gated" | "numerical" {
    const n = this.dimX;
    const m = ws.m;
    const u = this.lastInput;
    this.measurementJacobian(ws);
    r.H = ws.H;
    ws.model.h(this.x, u, ws.zHat);
    ws.model.residual(ws.z, ws.zHat, ws.y);
    // C = P Hᵀ (n×m), S = H C + R (m×m)
    const S = ws.S;
    const R = ws.R;
    if (ws.innovationCovariance !== null) ws.innovationCovariance(this.P, ws.H, R, ws.C, S);
    else {
      ws.mulPHt(this.P, ws.H, ws.C);
      ws.mulHC(ws.H, ws.C, S);
      const mm = m * m;
      for (let i = 0; i < mm; i++) S[i] += R[i];
    }
    if (ws.factorNis !== null && ws.gainJoseph !== null) {
      // Generated fast path; a non-positive pivot falls through to the robust generic path below.
      const nis = ws.factorNis(S, ws.y, ws.LS, this.scalar);
      const logDet = this.scalar[0] as number;
      if (Number.isFinite(nis) && Number.isFinite(logDet)) {
        r.predictedMeasurement = ws.zHat;
        r.y = ws.y;
        r.S = S;
        r.nis = nis;
        r.logLikelihood = -0.5 * (m * LOG_2PI + logDet + nis);
        if (nis > ws.gateThreshold) return "gated";
        r.K = ws.K;
        return ws.gainJoseph(ws.LS, ws.C, ws.y, this.x, this.PPrior, ws.H, R, ws.K, this.P) ? "accepted" : "numerical";
      }
    }
    const step = this.innovationAndGain(ws, r);
    if (step !== "continue") return step;
    // Joseph form P ← A P Aᵀ + K R Kᵀ with A = I − K H, applied without forming A:
    //   A P = P − K (P Hᵀ)ᵀ = P − K Cᵀ;   (A P) Aᵀ = A P − ((A P) Hᵀ) Kᵀ
    const K = ws.K;
    const { AP, T } = this.scratch();
    const P = this.P;
    const nn = n * n;
    ws.mulKCt(K, ws.C, T);
    const Pp = this.PPrior;
    for (let i = 0; i < nn; i++) AP[i] = Pp[i] - T[i];
    ws.mulPHt(AP, ws.H, ws.KM);
    ws.mulKMKt(ws.KM, K, T);
    for (let i = 0; i < nn; i++) P[i] = AP[i] - T[i];
    ws.mulKM(K, R, ws.KM);
    ws.mulKMKt(ws.KM, K, T);
    for (let i = 0; i < nn; i++) P[i] += T[i];
    return this.finishStep() ? "accepted" : "numerical";
  }
}
