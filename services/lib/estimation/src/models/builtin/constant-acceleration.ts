import type { TransitionModel } from "../transition-model.ts";
import { AXES, checkDimensions, type Dimensions } from "./axis-names.ts";
import { resolveParameters } from "./parameter-rules.ts";

/** Options of {@link ConstantAcceleration}. */
export interface ConstantAccelerationOptions {
  /** 1, 2 or 3 spatial axes. */
  readonly dimensions: Dimensions;
  /** Variance q of the white-noise jerk increment (FilterPy's `var`), same on every axis. */
  readonly q: number;
}

/**
 * Constant acceleration (nearly constant acceleration), per axis: p' = v, v' = a, a' = w.
 *
 * State interleaved per axis: [x, vx, ax] (1-D), [x, vx, ax, y, vy, ay] (2-D), and z likewise (3-D).
 * Exact discretization, per axis block: F = [[1, dt, dt²/2], [0, 1, dt], [0, 0, 1]].
 * Process noise: piecewise-constant white-noise (FilterPy's `Q_discrete_white_noise` with dim=3), per axis
 * Q = q·Γ·Γᵀ with Γ = [dt²/2, dt, 1]ᵀ, i.e. q·[[dt⁴/4, dt³/2, dt²/2], [dt³/2, dt², dt], [dt²/2, dt, 1]].
 *
 * Parameters: `q` (≥ 0).
 */
export class ConstantAcceleration implements TransitionModel {
  readonly name: string;
  readonly stateNames: readonly string[];
  readonly inputNames: readonly string[] = [];
  readonly dimX: number;
  readonly dimU = 0;
  readonly linear = true;
  readonly dimensions: Dimensions;
  readonly parameters: Readonly<{ q: number }>;

  constructor(options: ConstantAccelerationOptions) {
    checkDimensions("constant_acceleration", options.dimensions);
    this.dimensions = options.dimensions;
    this.name = `constant_acceleration_${options.dimensions}d`;
    this.dimX = 3 * options.dimensions;
    this.stateNames = AXES.slice(0, options.dimensions).flatMap((a) => [a, `v${a}`, `a${a}`]);
    this.parameters = resolveParameters(this.name, { q: "nonNegative" }, { q: options.q });
  }

  /** out = F(dt)·x. */
  f(x: Float64Array, dt: number, _u: Float64Array, out: Float64Array): void {
    const half = 0.5 * dt * dt;
    for (let a = 0; a < this.dimensions; a++) {
      const i = 3 * a;
      out[i] = x[i] + dt * x[i + 1] + half * x[i + 2];
      out[i + 1] = x[i + 1] + dt * x[i + 2];
      out[i + 2] = x[i + 2];
    }
  }

  /** out = F(dt). */
  jacobian(_x: Float64Array, dt: number, _u: Float64Array, out: Float64Array): void {
    const n = this.dimX;
    out.fill(0);
    for (let a = 0; a < this.dimensions; a++) {
      const i = 3 * a;
      out[i * n + i] = 1;
      out[i * n + i + 1] = dt;
      out[i * n + i + 2] = 0.5 * dt * dt;
      out[(i + 1) * n + i + 1] = 1;
      out[(i + 1) * n + i + 2] = dt;
      out[(i + 2) * n + i + 2] = 1;
    }
  }

  /** out = q·Γ·Γᵀ per axis block, Γ = [dt²/2, dt, 1]ᵀ. */
  Q(dt: number, out: Float64Array): void {
    const n = this.dimX;
    const q = this.parameters.q;
    const g0 = 0.5 * dt * dt;
    const g1 = dt;
    out.fill(0);
    for (let a = 0; a < this.dimensions; a++) {
      const i = 3 * a;
      for (let r = 0; r < 3; r++) {
        const gr = r === 0 ? g0 : r === 1 ? g1 : 1;
        for (let c = 0; c < 3; c++) out[(i + r) * n + i + c] = q * gr * (c === 0 ? g0 : c === 1 ? g1 : 1);
      }
    }
  }

  withParameters(overrides: Readonly<Record<string, number>>): ConstantAcceleration {
    const p = resolveParameters(this.name, { q: "nonNegative" }, this.parameters, overrides);
    return new ConstantAcceleration({ dimensions: this.dimensions, q: p.q });
  }
}
