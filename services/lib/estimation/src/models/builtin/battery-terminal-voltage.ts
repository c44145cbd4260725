import type { MeasurementModel } from "../measurement-model.ts";
import type { OpenCircuitVoltageCurve } from "./open-circuit-voltage-curve.ts";
import { resolveParameters } from "./parameter-rules.ts";

/** Options of {@link BatteryTerminalVoltage}. */
export interface BatteryTerminalVoltageOptions {
  /** OCV(soc) table. */
  readonly ocv: OpenCircuitVoltageCurve;
  /** Ohmic resistance R0, ohms (≥ 0). */
  readonly R0: number;
  /** Standard deviation of the voltage sensor noise, V (> 0). */
  readonly noiseStd: number;
}

const RULES = { R0: "nonNegative", noiseStd: "positive" } as const;

/**
 * Terminal voltage of a Thevenin 1-RC battery ({@link BatteryEquivalentCircuit}): V = OCV(soc) − v1 − R0·I.
 *
 * Reads the current I from the transition model's input u[0] (positive = discharge). Jacobian
 * H = [dOCV/dsoc, −1], with the slope of the tabulated OCV curve. R = [noiseStd²].
 */
export class BatteryTerminalVoltage implements MeasurementModel {
  readonly name = "battery_terminal_voltage";
  readonly measurementNames: readonly string[] = ["V"];
  readonly dimX = 2;
  readonly dimZ = 1;
  readonly linear = false;
  readonly ocv: OpenCircuitVoltageCurve;
  readonly parameters: Readonly<{ R0: number; noiseStd: number }>;

  constructor(options: BatteryTerminalVoltageOptions) {
    this.ocv = options.ocv;
    this.parameters = resolveParameters(this.name, RULES, { R0: options.R0, noiseStd: options.noiseStd });
  }

  /** out = OCV(soc) − v1 − R0·I. */
  h(x: Float64Array, u: Float64Array, out: Float64Array): void {
    const I = u.length > 0 ? u[0] : 0;
    out[0] = this.ocv.value(x[0]) - x[1] - this.parameters.R0 * I;
  }

  /** out = [dOCV/dsoc(soc), −1]. */
  jacobian(x: Float64Array, _u: Float64Array, out: Float64Array): void {
    out[0] = this.ocv.slope(x[0]);
    out[1] = -1;
  }

  /** out = [noiseStd²]. */
  R(out: Float64Array): void {
    out[0] = this.parameters.noiseStd * this.parameters.noiseStd;
  }

  /** out = a − b (no angles). */
  residual(a: Float64Array, b: Float64Array, out: Float64Array): void {
    out[0] = a[0] - b[0];
  }

  withParameters(overrides: Readonly<Record<string, number>>): BatteryTerminalVoltage {
    const p = resolveParameters(this.name, RULES, this.parameters, overrides);
    return new BatteryTerminalVoltage({ ocv: this.ocv, R0: p.R0, noiseStd: p.noiseStd });
  }
}
