import { KalmanFilter } from "./kalman-filter.ts";
import type { SensorWorkspace } from "./sensor-workspace.ts";

/**
 * Extended Kalman filter: the Kalman recursion on models linearised at the current estimate.
 *
 * Predict: F = ∂f/∂x at the posterior mean x, then x ← f(x, dt, u), P ← F P Fᵀ + Q(dt).
 * Update: H = ∂h/∂x at the prior mean, y = z ⊖ h(x) (angle components wrapped by the model's residual),
 * S = H P Hᵀ + R, K = P Hᵀ S⁻¹, x ← x + K y, Joseph form P ← (I−KH) P (I−KH)ᵀ + K R Kᵀ — FilterPy's
 * `ExtendedKalmanFilter` with `residual` wrapping. Q is cached while dt repeats; F and H are re-evaluated
 * (F only when dt changes if the transition model is linear, H only once for a linear sensor).
 */
export class ExtendedKalmanFilter extends KalmanFilter {
  override readonly kind = "ekf";

  protected override checkLinearity(): void {}

  protected override transitionMatrices(dt: number): void {
    if (this.transition.linear) {
      // F does not depend on x for a linear model: cached with Q while dt repeats, as in the KF.
      super.transitionMatrices(dt);
      return;
    }
    (this.transition.jacobian as NonNullable<typeof this.transition.jacobian>)(this.x, dt, this.lastInput, this.F);
    const newDt = dt !== this.cachedDt;
    if (newDt) {
      this.transition.Q(dt, this.Q);
      this.cachedDt = dt;
    }
    this.refreshPredictKernel(newDt);
  }

  protected override measurementJacobian(ws: SensorWorkspace): void {
    if (ws.model.linear) {
      super.measurementJacobian(ws);
      return;
    }
    (ws.model.jacobian as NonNullable<typeof ws.model.jacobian>)(this.x, this.lastInput, ws.H);
    this.refreshMeasurementKernels(ws);
  }
}
