/**
 * Scalar Kalman filter for a random-walk state observed directly, the evaluation's twin:
 *
 *   x_k = x_{k−1} + w_k,  w ~ N(0, Q);    z_k = x_k + v_k,  v ~ N(0, R)
 *   predict: x̂⁻ = x̂,  P⁻ = P + Q;   innovation: y = z − x̂⁻,  S = P⁻ + R,  nis = y²/S
 *   update:  K = P⁻/S,  x̂ = x̂⁻ + K y,  P = (1 − K) P⁻
 *
 * Why its own small filter: the drift evaluation needs innovations exactly as a filter produces them under
 * a fault (a bias is partly absorbed into x̂, so the innovation shows a decaying transient), without
 * depending on the estimation library's progress.
 */
export class RandomWalkKalmanFilter {
  readonly Q: number;
  readonly R: number;
  x: number;
  P: number;

  constructor(Q: number, R: number, x0: number, P0: number) {
    this.Q = Q;
    this.R = R;
    this.x = x0;
    this.P = P0;
  }

  /** Steady-state prior variance P⁻∞ solving P⁻ = P⁻R/(P⁻ + R) + Q. */
  static steadyStatePrior(Q: number, R: number): number {
    return 0.5 * (Q + Math.sqrt(Q * Q + 4 * Q * R));
  }

  /** One predict + update with reading z; returns the innovation quantities the drift suite consumes. */
  step(z: number): { y: number; S: number; nis: number; predicted: number } {
    const Pminus = this.P + this.Q;
    const predicted = this.x;
    const y = z - predicted;
    const S = Pminus + this.R;
    const K = Pminus / S;
    this.x = predicted + K * y;
    this.P = (1 - K) * Pminus;
    return { y, S, nis: (y * y) / S, predicted };
  }
}
