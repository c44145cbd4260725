import type { TransitionModel } from "../transition-model.ts";
import { resolveParameters } from "./parameter-rules.ts";

/** Options of {@link RandomWalk}. */
export interface RandomWalkOptions {
  /** Names of the state variables; their count is the dimension. */
  readonly stateNames: readonly string[];
  /** Spectral density q of the driving white noise (variance growth per second), same on every component. */
  readonly q: number;
}

/**
 * Random walk (Wiener process) in n dimensions: x' = w, w white noise of spectral density q.
 *
 * Exact discretization: F = I, Q(dt) = q·dt·I. Use it for slowly wandering quantities with no known
 * dynamics (offsets, biases).
 *
 * Parameters: `q` (≥ 0).
 */
export class RandomWalk implements TransitionModel {
  readonly name = "random_walk";
  readonly stateNames: readonly string[];
  readonly inputNames: readonly string[] = [];
  readonly dimX: number;
  readonly dimU = 0;
  readonly linear = true;
  readonly parameters: Readonly<{ q: number }>;

  constructor(options: RandomWalkOptions) {
    if (options.stateNames.length === 0) throw new RangeError("random_walk: needs at least one state variable");
    this.stateNames = [...options.stateNames];
    this.dimX = options.stateNames.length;
    this.parameters = resolveParameters(this.name, { q: "nonNegative" }, { q: options.q });
  }

  /** out = x. */
  f(x: Float64Array, _dt: number, _u: Float64Array, out: Float64Array): void {
    out.set(x);
  }

  /** out = I. */
  jacobian(_x: Float64Array, _dt: number, _u: Float64Array, out: Float64Array): void {
    out.fill(0);
    for (let i = 0; i < this.dimX; i++) out[i * this.dimX + i] = 1;
  }

  /** out = q·dt·I. */
  Q(dt: number, out: Float64Array): void {
    out.fill(0);
    const v = this.parameters.q * dt;
    for (let i = 0; i < this.dimX; i++) out[i * this.dimX + i] = v;
  }

  withParameters(overrides: Readonly<Record<string, number>>): RandomWalk {
    const p = resolveParameters(this.name, { q: "nonNegative" }, this.parameters, overrides);
    return new RandomWalk({ stateNames: this.stateNames, q: p.q });
  }
}
