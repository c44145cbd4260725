import type { MeasurementModel } from "../measurement-model.ts";
import { ModelParameterError } from "./model-parameter-error.ts";
import { checkParameter, resolveParameters } from "./parameter-rules.ts";
import { wrapAngle } from "./wrap-angle.ts";

/** Options of {@link LinearMeasurement}. */
export interface LinearMeasurementOptions {
  /** Sensor physics name (default "linear"). */
  readonly name?: string;
  /** Measurement matrix H, dimZ rows of dimX numbers. */
  readonly H: readonly (readonly number[])[];
  /** Names of the measured components (default z0, z1, …). */
  readonly measurementNames?: readonly string[];
  /** Noise standard deviation per component (or one for all): R = diag(noiseStd²). */
  readonly noiseStd: number | readonly number[];
  /** Names of the components that are angles (their residuals wrap to [−π, π)). */
  readonly angular?: readonly string[];
}

/**
 * Linear measurement z = H·x + v, v ~ N(0, R), R = diag(noiseStd²).
 *
 * Parameters are the noise levels, named `noiseStd.<component>`, so a what-if can loosen one sensor axis.
 * Components listed as angular have their residuals wrapped (floored modulo) to [−π, π).
 */
export class LinearMeasurement implements MeasurementModel {
  readonly name: string;
  readonly measurementNames: readonly string[];
  readonly dimX: number;
  readonly dimZ: number;
  readonly linear = true;
  /** H, row-major dimZ×dimX. */
  readonly H: Float64Array;
  readonly parameters: Readonly<Record<string, number>>;
  readonly angular: readonly string[];
  readonly #options: LinearMeasurementOptions;
  readonly #std: Float64Array;
  readonly #isAngle: Uint8Array;

  constructor(options: LinearMeasurementOptions) {
    this.#options = options;
    this.name = options.name ?? "linear";
    const rows = options.H;
    if (rows.length === 0) throw new ModelParameterError(this.name, "H", "invalid", "needs at least one row");
    this.dimZ = rows.length;
    this.dimX = rows[0].length;
    this.H = new Float64Array(this.dimZ * this.dimX);
    rows.forEach((row, i) => {
      if (row.length !== this.dimX) {
        throw new ModelParameterError(
          this.name,
          `H[${i}]`,
          "invalid",
          `has ${row.length} columns, expected ${this.dimX}`,
        );
      }
      row.forEach((v, j) => {
        checkParameter(this.name, `H[${i}][${j}]`, v, "finite");
        this.H[i * this.dimX + j] = v;
      });
    });
    this.measurementNames = options.measurementNames ? [...options.measurementNames] : rows.map((_, i) => `z${i}`);
    if (this.measurementNames.length !== this.dimZ) {
      throw new ModelParameterError(this.name, "measurementNames", "invalid", `needs ${this.dimZ} names`);
    }
    const stds = typeof options.noiseStd === "number" ? rows.map(() => options.noiseStd as number) : options.noiseStd;
    if (stds.length !== this.dimZ) {
      throw new ModelParameterError(this.name, "noiseStd", "invalid", `needs ${this.dimZ} values, got ${stds.length}`);
    }
    const rules: Record<string, "positive"> = {};
    const values: Record<string, number> = {};
    this.measurementNames.forEach((n, i) => {
      rules[`noiseStd.${n}`] = "positive";
      values[`noiseStd.${n}`] = stds[i];
    });
    this.parameters = resolveParameters(this.name, rules, values);
    this.#std = Float64Array.from(stds);
    this.angular = [...(options.angular ?? [])];
    this.#isAngle = new Uint8Array(this.dimZ);
    for (const a of this.angular) {
      const i = this.measurementNames.indexOf(a);
      if (i < 0) throw new ModelParameterError(this.name, "angular", "invalid", `names unknown component '${a}'`);
      this.#isAngle[i] = 1;
    }
  }

  /** out = H·x. */
  h(x: Float64Array, _u: Float64Array, out: Float64Array): void {
    const n = this.dimX;
    for (let i = 0; i < this.dimZ; i++) {
      let acc = 0;
      for (let j = 0; j < n; j++) acc += this.H[i * n + j] * x[j];
      out[i] = acc;
    }
  }

  /** out = H. */
  jacobian(_x: Float64Array, _u: Float64Array, out: Float64Array): void {
    out.set(this.H);
  }

  /** out = diag(noiseStd²). */
  R(out: Float64Array): void {
    out.fill(0);
    for (let i = 0; i < this.dimZ; i++) out[i * this.dimZ + i] = this.#std[i] * this.#std[i];
  }

  /** out = a − b, angular components wrapped. */
  residual(a: Float64Array, b: Float64Array, out: Float64Array): void {
    for (let i = 0; i < this.dimZ; i++) {
      const d = a[i] - b[i];
      out[i] = this.#isAngle[i] === 1 ? wrapAngle(d) : d;
    }
  }

  withParameters(overrides: Readonly<Record<string, number>>): LinearMeasurement {
    const rules: Record<string, "positive"> = {};
    for (const k of Object.keys(this.parameters)) rules[k] = "positive";
    const p = resolveParameters(this.name, rules, this.parameters, overrides);
    return new LinearMeasurement({
      ...this.#options,
      measurementNames: this.measurementNames,
      noiseStd: this.measurementNames.map((n) => p[`noiseStd.${n}`]),
    });
  }
}
