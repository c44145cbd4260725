import type { TransitionModel } from "../transition-model.ts";
import { resolveParameters } from "./parameter-rules.ts";

/** Parameters of {@link BatteryEquivalentCircuit}. */
export interface BatteryEquivalentCircuitParameters {
  /** Capacity, ampere-hours (> 0). */
  readonly capacityAh: number;
  /** Polarization resistance R1, ohms (> 0). */
  readonly R1: number;
  /** Polarization capacitance C1, farads (> 0). */
  readonly C1: number;
  /** Spectral density of the white noise on soc, 1/s (≥ 0). */
  readonly qSoc: number;
  /** Spectral density of the white noise on v1, V²/s (≥ 0). */
  readonly qV1: number;
}

const RULES = {
  capacityAh: "positive",
  R1: "positive",
  C1: "positive",
  qSoc: "nonNegative",
  qV1: "nonNegative",
} as const;

/**
 * Battery Thevenin equivalent circuit with one RC pair (coulomb counting plus polarization).
 *
 * State [soc, v1] (soc as a fraction 0…1, v1 the RC-pair voltage in V); input [I], the current in A,
 * positive when discharging. Continuous dynamics:
 *   soc' = −I/(3600·capacityAh),   v1' = −v1/(R1·C1) + I/C1.
 * Exact discretization with I held over the step, τ = R1·C1, a = exp(−dt/τ):
 *   soc(t+dt) = soc − I·dt/(3600·capacityAh),   v1(t+dt) = a·v1 + R1·(1 − a)·I,   F = diag(1, a).
 * Process noise, exact for white noise of spectral densities qSoc (integrated) and qV1 (through the RC
 * pair): Q = diag(qSoc·dt, qV1·τ/2·(1 − a²)).
 * Pair it with {@link BatteryTerminalVoltage} for the voltage sensor.
 */
export class BatteryEquivalentCircuit implements TransitionModel {
  readonly name = "battery_equivalent_circuit";
  readonly stateNames: readonly string[] = ["soc", "v1"];
  readonly inputNames: readonly string[] = ["I"];
  readonly dimX = 2;
  readonly dimU = 1;
  readonly linear = true;
  readonly parameters: Readonly<BatteryEquivalentCircuitParameters>;
  readonly #tau: number;

  constructor(parameters: BatteryEquivalentCircuitParameters) {
    this.parameters = resolveParameters(this.name, RULES, parameters);
    this.#tau = this.parameters.R1 * this.parameters.C1;
  }

  /** out = [soc − I·dt/(3600·capacityAh), a·v1 + R1·(1 − a)·I]. */
  f(x: Float64Array, dt: number, u: Float64Array, out: Float64Array): void {
    const I = u.length > 0 ? u[0] : 0;
    const a = Math.exp(-dt / this.#tau);
    out[0] = x[0] - (I * dt) / (3600 * this.parameters.capacityAh);
    out[1] = a * x[1] + this.parameters.R1 * (1 - a) * I;
  }

  /** out = diag(1, a). */
  jacobian(_x: Float64Array, dt: number, _u: Float64Array, out: Float64Array): void {
    out[0] = 1;
    out[1] = 0;
    out[2] = 0;
    out[3] = Math.exp(-dt / this.#tau);
  }

  /** out = diag(qSoc·dt, qV1·τ/2·(1 − exp(−2dt/τ))). */
  Q(dt: number, out: Float64Array): void {
    out[0] = this.parameters.qSoc * dt;
    out[1] = 0;
    out[2] = 0;
    out[3] = ((this.parameters.qV1 * this.#tau) / 2) * -Math.expm1((-2 * dt) / this.#tau);
  }

  withParameters(overrides: Readonly<Record<string, number>>): BatteryEquivalentCircuit {
    return new BatteryEquivalentCircuit(resolveParameters(this.name, RULES, this.parameters, overrides));
  }
}
