import { InvalidFilterConfigError } from "../errors/invalid-filter-config-error.ts";
import { choleskySemidefinite } from "../linalg/cholesky.ts";
import { choleskyInverse, choleskyLogDeterminant, choleskyQuadraticForm } from "../linalg/cholesky-solve.ts";
import { allFinite, symmetrize } from "../linalg/matrix-elementwise.ts";
import { SpdFactorizer } from "../linalg/spd-factorizer.ts";
import { FilterBase } from "./filter-base.ts";
import type { SensorWorkspace } from "./sensor-workspace.ts";
import type { GaussianFilterOptions } from "./state-filter.ts";
import type { FilterUpdateResult } from "./step-results.ts";

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Base of the Gaussian filters (KF, EKF, UKF): the state is a mean x and covariance P.
 *
 * Holds the shared update tail. Given the predicted measurement ẑ, innovation y = z ⊖ ẑ, its covariance S
 * and the cross covariance C (P·Hᵀ or Pxz) of a subclass, it computes
 *   nis = yᵀ S⁻¹ y,  ln L = −½ (m ln 2π + ln det S + nis)      (via the lower Cholesky factor of S),
 *   gate: nis > χ²⁻¹(p; m) ⇒ gated, state unchanged,
 *   K = C S⁻¹ (solved as Kᵀ = S⁻¹ Cᵀ),  x ← x + K y,
 * then lets the subclass update P. Covariances are symmetrized after every step; a non-finite result
 * quarantines the filter.
 */
export abstract class GaussianFilter extends FilterBase {
  abstract override readonly kind: "kf" | "ekf" | "ukf";
  /** Robust factoriser for n×n covariances (UKF sigma points). */
  protected readonly stateFactorizer: SpdFactorizer;

  constructor(options: GaussianFilterOptions) {
    super(options);
    const n = this.dimX;
    this.stateFactorizer = new SpdFactorizer(n, this.health);
    symmetrize(this.P, n);
    if (!choleskySemidefinite(this.P, new Float64Array(n * n), n)) {
      throw new InvalidFilterConfigError("P0 must be symmetric positive semi-definite");
    }
  }

  protected resetState(x0: Float64Array, P0: Float64Array): void {
    this.x.set(x0);
    this.P.set(P0);
    symmetrize(this.P, this.dimX);
  }

  protected savePredictCheckpoint(): void {}

  protected restorePredictCheckpoint(): void {
    this.x.set(this.xBefore);
    this.P.set(this.PBefore);
  }

  protected saveUpdateCheckpoint(): void {}

  protected restoreUpdateCheckpoint(): void {
    this.x.set(this.xPrior);
    this.P.set(this.PPrior);
  }

  /**
   * The shared update tail (see class doc). Requires ws.zHat, ws.y, ws.S and ws.C; leaves K in ws.K.
   * Returns "continue" when the subclass should now update P.
   */
  protected innovationAndGain(ws: SensorWorkspace, r: FilterUpdateResult): "continue" | "gated" | "numerical" {
    const n = this.dimX;
    const m = ws.m;
    r.predictedMeasurement = ws.zHat;
    r.y = ws.y;
    r.S = ws.S;
    if (!ws.factorizer.factor(ws.S, ws.LS)) return "numerical";
    const nis = choleskyQuadraticForm(ws.LS, ws.y, ws.work, m);
    const logLikelihood = -0.5 * (m * LOG_2PI + choleskyLogDeterminant(ws.LS, m) + nis);
    r.nis = nis;
    r.logLikelihood = logLikelihood;
    if (!Number.isFinite(nis)) return "numerical";
    if (nis > ws.gateThreshold) return "gated";
    // K = C S⁻¹ with S⁻¹ = L⁻ᵀ L⁻¹ (m is small: an explicit inverse is cheaper than n solves)
    choleskyInverse(ws.LS, ws.Sinv, ws.Kt, m);
    ws.mulCSinv(ws.C, ws.Sinv, ws.K);
    const K = ws.K;
    r.K = K;
    const x = this.x;
    const y = ws.y;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += K[i * m + j] * y[j];
      x[i] += s;
    }
    return "continue";
  }

  /** Symmetrizes P and checks x and P are finite. */
  protected finishStep(): boolean {
    const n = this.dimX;
    symmetrize(this.P, n);
    return allFinite(this.x, n) && allFinite(this.P, n * n);
  }
}
