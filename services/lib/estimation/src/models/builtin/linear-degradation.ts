import type { TransitionModel } from "../transition-model.ts";
import { resolveParameters } from "./parameter-rules.ts";

/** Parameters of {@link LinearDegradation}. */
export interface LinearDegradationParameters {
  /** Spectral density of white noise on the health itself, health²/s (≥ 0). */
  readonly qHealth: number;
  /** Spectral density of white noise driving the drift rate, (health/s)²/s (≥ 0). */
  readonly qRate: number;
}

const RULES = { qHealth: "nonNegative", qRate: "nonNegative" } as const;

/**
 * Linear degradation with an unknown, slowly wandering drift rate (augmented state).
 *
 * State [h, r] (health and its rate of change per second), no input:
 *   h' = r + w_h,   r' = w_r   (the rate is estimated, not known).
 * Exact discretization: F = [[1, dt], [0, 1]];
 *   Q(dt) = qHealth·[[dt, 0], [0, 0]] + qRate·[[dt³/3, dt²/2], [dt²/2, dt]].
 * A filter on this model estimates the remaining useful life as (h − threshold)/(−r).
 */
export class LinearDegradation implements TransitionModel {
  readonly name = "linear_degradation";
  readonly stateNames: readonly string[] = ["health", "rate"];
  readonly inputNames: readonly string[] = [];
  readonly dimX = 2;
  readonly dimU = 0;
  readonly linear = true;
  readonly parameters: Readonly<LinearDegradationParameters>;

  constructor(parameters: LinearDegradationParameters) {
    this.parameters = resolveParameters(this.name, RULES, parameters);
  }

  /** out = [h + r·dt, r]. */
  f(x: Float64Array, dt: number, _u: Float64Array, out: Float64Array): void {
    out[0] = x[0] + dt * x[1];
    out[1] = x[1];
  }

  /** out = [[1, dt], [0, 1]]. */
  jacobian(_x: Float64Array, dt: number, _u: Float64Array, out: Float64Array): void {
    out[0] = 1;
    out[1] = dt;
    out[2] = 0;
    out[3] = 1;
  }

  /** out = qHealth·dt·e₀e₀ᵀ + qRate·[[dt³/3, dt²/2], [dt²/2, dt]]. */
  Q(dt: number, out: Float64Array): void {
    const { qHealth, qRate } = this.parameters;
    out[0] = qHealth * dt + (qRate * dt * dt * dt) / 3;
    out[1] = (qRate * dt * dt) / 2;
    out[2] = out[1];
    out[3] = qRate * dt;
  }

  withParameters(overrides: Readonly<Record<string, number>>): LinearDegradation {
    return new LinearDegradation(resolveParameters(this.name, RULES, this.parameters, overrides));
  }
}
