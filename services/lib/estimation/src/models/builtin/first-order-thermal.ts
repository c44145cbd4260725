import type { TransitionModel } from "../transition-model.ts";
import { resolveParameters } from "./parameter-rules.ts";

/** Parameters of {@link FirstOrderThermal}. */
export interface FirstOrderThermalParameters {
  /** Thermal resistance to ambient R, K/W (> 0). */
  readonly R: number;
  /** Heat capacity C, J/K (> 0). */
  readonly C: number;
  /** Ambient temperature T_amb, in the state's temperature unit. */
  readonly ambient: number;
  /** Spectral density q of the white-noise temperature disturbance, K²/s (≥ 0). */
  readonly q: number;
}

const RULES = { R: "positive", C: "positive", ambient: "finite", q: "nonNegative" } as const;

/**
 * First-order thermal (lumped RC) model: dT/dt = (T_amb − T)/(R·C) + P/C + w.
 *
 * State [T]; control input [P], the heat input in W (zero when unknown); the ambient temperature T_amb is a
 * parameter (change it with `withParameters` when it changes; model it as a state if it wanders).
 * Exact discretization with P held over the step (zero-order hold), τ = R·C, a = exp(−dt/τ):
 *   T(t+dt) = a·T + (1 − a)·(T_amb + R·P),  F = [a].
 * Process noise, exact for the Ornstein–Uhlenbeck process driven by white noise of spectral density q:
 *   Q(dt) = q·τ/2·(1 − a²).
 */
export class FirstOrderThermal implements TransitionModel {
  readonly name = "first_order_thermal";
  readonly stateNames: readonly string[] = ["T"];
  readonly inputNames: readonly string[] = ["P"];
  readonly dimX = 1;
  readonly dimU = 1;
  readonly linear = true;
  readonly parameters: Readonly<FirstOrderThermalParameters>;
  readonly #tau: number;

  constructor(parameters: FirstOrderThermalParameters) {
    this.parameters = resolveParameters(this.name, RULES, parameters);
    this.#tau = this.parameters.R * this.parameters.C;
  }

  /** out = a·T + (1 − a)·(T_amb + R·P). */
  f(x: Float64Array, dt: number, u: Float64Array, out: Float64Array): void {
    const a = Math.exp(-dt / this.#tau);
    const P = u.length > 0 ? u[0] : 0;
    out[0] = a * x[0] + (1 - a) * (this.parameters.ambient + this.parameters.R * P);
  }

  /** out = [a], a = exp(−dt/(R·C)). */
  jacobian(_x: Float64Array, dt: number, _u: Float64Array, out: Float64Array): void {
    out[0] = Math.exp(-dt / this.#tau);
  }

  /** out = q·τ/2·(1 − exp(−2dt/τ)). */
  Q(dt: number, out: Float64Array): void {
    out[0] = ((this.parameters.q * this.#tau) / 2) * -Math.expm1((-2 * dt) / this.#tau);
  }

  withParameters(overrides: Readonly<Record<string, number>>): FirstOrderThermal {
    return new FirstOrderThermal(resolveParameters(this.name, RULES, this.parameters, overrides));
  }
}
