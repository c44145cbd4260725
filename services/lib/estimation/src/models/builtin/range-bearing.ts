import type { MeasurementModel } from "../measurement-model.ts";
import { ModelParameterError } from "./model-parameter-error.ts";
import { resolveParameters } from "./parameter-rules.ts";
import { wrapAngle } from "./wrap-angle.ts";

/** Options of {@link RangeBearing}. */
export interface RangeBearingOptions {
  /** State dimension of the transition model. */
  readonly dimX: number;
  /** Indices of px and py in the state (default [0, 2], the 2-D constant-velocity layout). */
  readonly positionIndices?: readonly [number, number];
  /** Range noise standard deviation (> 0). */
  readonly rangeStd: number;
  /** Bearing noise standard deviation, rad (> 0). */
  readonly bearingStd: number;
}

const RULES = { rangeStd: "positive", bearingStd: "positive" } as const;

/**
 * Range and bearing from a sensor at the origin (Stone Soup's CartesianToBearingRange, order swapped):
 *   r = √(px² + py²),   b = atan2(py, px).
 * Jacobian rows: ∂r/∂(px, py) = (px/r, py/r), ∂b/∂(px, py) = (−py/r², px/r²); zero elsewhere.
 * R = diag(rangeStd², bearingStd²); the bearing residual wraps to [−π, π).
 */
export class RangeBearing implements MeasurementModel {
  readonly name = "range_bearing";
  readonly measurementNames: readonly string[] = ["range", "bearing"];
  readonly dimX: number;
  readonly dimZ = 2;
  readonly linear = false;
  readonly parameters: Readonly<{ rangeStd: number; bearingStd: number }>;
  readonly positionIndices: readonly [number, number];
  /** positionIndices as plain fields (read on every h/jacobian call). */
  private readonly ix: number;
  private readonly iy: number;

  constructor(options: RangeBearingOptions) {
    this.dimX = options.dimX;
    this.positionIndices = options.positionIndices ?? [0, 2];
    this.ix = this.positionIndices[0];
    this.iy = this.positionIndices[1];
    for (const i of this.positionIndices) {
      if (!Number.isInteger(i) || i < 0 || i >= this.dimX) {
        throw new ModelParameterError(this.name, "positionIndices", "invalid", `index ${i} is outside the state`);
      }
    }
    this.parameters = resolveParameters(this.name, RULES, {
      rangeStd: options.rangeStd,
      bearingStd: options.bearingStd,
    });
  }

  /**
   * out = [√(px² + py²), atan2(py, px)]. The range is computed as Math.sqrt(px² + py²) like FilterPy and the C
   * reference (Math.hypot guards against overflow beyond 1e154 m, which no position reaches, at several
   * times the cost).
   */
  h(x: Float64Array, _u: Float64Array, out: Float64Array): void {
    const px = x[this.ix] as number;
    const py = x[this.iy] as number;
    out[0] = Math.sqrt(px * px + py * py);
    out[1] = Math.atan2(py, px);
  }

  /** out = ∂h/∂x (2×dimX). */
  jacobian(x: Float64Array, _u: Float64Array, out: Float64Array): void {
    const ix = this.ix;
    const iy = this.iy;
    const px = x[ix] as number;
    const py = x[iy] as number;
    const r2 = px * px + py * py;
    const r = Math.sqrt(r2);
    const n = this.dimX;
    for (let i = 0; i < 2 * n; i++) out[i] = 0;
    out[ix] = px / r;
    out[iy] = py / r;
    out[n + ix] = -py / r2;
    out[n + iy] = px / r2;
  }

  /** out = diag(rangeStd², bearingStd²). */
  R(out: Float64Array): void {
    const { rangeStd, bearingStd } = this.parameters;
    out[0] = rangeStd * rangeStd;
    out[1] = 0;
    out[2] = 0;
    out[3] = bearingStd * bearingStd;
  }

  /** out = [Δr, wrap(Δb)]. */
  residual(a: Float64Array, b: Float64Array, out: Float64Array): void {
    out[0] = a[0] - b[0];
    out[1] = wrapAngle(a[1] - b[1]);
  }

  withParameters(overrides: Readonly<Record<string, number>>): RangeBearing {
    const p = resolveParameters(this.name, RULES, this.parameters, overrides);
    return new RangeBearing({ dimX: this.dimX, positionIndices: this.positionIndices, ...p });
  }
}
