import type { TransitionModel } from "../transition-model.ts";
import { AXES, checkDimensions, type Dimensions } from "./axis-names.ts";
import { resolveParameters } from "./parameter-rules.ts";

/** Options of {@link ConstantVelocity}. */
export interface ConstantVelocityOptions {
  /** 1, 2 or 3 spatial axes. */
  readonly dimensions: Dimensions;
  /** Variance q of the white-noise acceleration (FilterPy's `var`), same on every axis, (m/s²)². */
  readonly q: number;
}

/**
 * Constant velocity (nearly constant velocity), per axis: p' = v, v' = w with w white-noise acceleration.
 *
 * State interleaved per axis like FilterPy: [x, vx] (1-D), [x, vx, y, vy] (2-D), [x, vx, y, vy, z, vz] (3-D).
 * Exact discretization of the deterministic part, per axis block: F = [[1, dt], [0, 1]].
 * Process noise: the piecewise-constant white-noise acceleration model (FilterPy's `Q_discrete_white_noise`
 * with dim=2, Bar-Shalom §6.3.3), per axis block Q = q·[[dt⁴/4, dt³/2], [dt³/2, dt²]] with q the variance
 * of the acceleration held over each step.
 *
 * Parameters: `q` (≥ 0).
 */
export class ConstantVelocity implements TransitionModel {
  readonly name: string;
  readonly stateNames: readonly string[];
  readonly inputNames: readonly string[] = [];
  readonly dimX: number;
  readonly dimU = 0;
  readonly linear = true;
  readonly dimensions: Dimensions;
  readonly parameters: Readonly<{ q: number }>;

  constructor(options: ConstantVelocityOptions) {
    checkDimensions("constant_velocity", options.dimensions);
    this.dimensions = options.dimensions;
    this.name = `constant_velocity_${options.dimensions}d`;
    this.dimX = 2 * options.dimensions;
    this.stateNames = AXES.slice(0, options.dimensions).flatMap((a) => [a, `v${a}`]);
    this.parameters = resolveParameters(this.name, { q: "nonNegative" }, { q: options.q });
  }

  /** out = F(dt)·x. */
  f(x: Float64Array, dt: number, _u: Float64Array, out: Float64Array): void {
    for (let a = 0; a < this.dimensions; a++) {
      const i = 2 * a;
      out[i] = x[i] + dt * x[i + 1];
      out[i + 1] = x[i + 1];
    }
  }

  /** out = F(dt), block-diagonal [[1, dt], [0, 1]]. */
  jacobian(_x: Float64Array, dt: number, _u: Float64Array, out: Float64Array): void {
    const n = this.dimX;
    for (let i = 0; i < n * n; i++) out[i] = 0;
    for (let a = 0; a < this.dimensions; a++) {
      const i = 2 * a;
      out[i * n + i] = 1;
      out[i * n + i + 1] = dt;
      out[(i + 1) * n + i + 1] = 1;
    }
  }

  /** out = q·[[dt⁴/4, dt³/2], [dt³/2, dt²]] per axis block. */
  Q(dt: number, out: Float64Array): void {
    const n = this.dimX;
    const q = this.parameters.q;
    const dt2 = dt * dt;
    out.fill(0);
    for (let a = 0; a < this.dimensions; a++) {
      const i = 2 * a;
      out[i * n + i] = (q * dt2 * dt2) / 4;
      out[i * n + i + 1] = (q * dt2 * dt) / 2;
      out[(i + 1) * n + i] = (q * dt2 * dt) / 2;
      out[(i + 1) * n + i + 1] = q * dt2;
    }
  }

  withParameters(overrides: Readonly<Record<string, number>>): ConstantVelocity {
    const p = resolveParameters(this.name, { q: "nonNegative" }, this.parameters, overrides);
    return new ConstantVelocity({ dimensions: this.dimensions, q: p.q });
  }
}
