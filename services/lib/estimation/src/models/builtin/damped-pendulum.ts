import type { TransitionModel } from "../transition-model.ts";
import { ContinuousDiscretizer, type DiscretizationMethod } from "./continuous-discretizer.ts";
import { DiscreteStepCache } from "./discrete-step-cache.ts";
import { resolveParameters } from "./parameter-rules.ts";

/** Parameters of {@link DampedPendulum}. */
export interface DampedPendulumParameters {
  /** Gravitational acceleration g, m/s² (> 0). */
  readonly g: number;
  /** Pendulum length L, m (> 0). */
  readonly L: number;
  /** Viscous damping coefficient c, 1/s (≥ 0). */
  readonly c: number;
  /** Spectral density q of the white-noise angular acceleration, rad²/s³ (≥ 0). */
  readonly q: number;
}

/** Options of {@link DampedPendulum}: parameters plus the integration scheme. */
export interface DampedPendulumOptions extends DampedPendulumParameters {
  /** RK4 (default) or Euler substeps. */
  readonly method?: DiscretizationMethod;
  /** Fixed number of substeps per predict (default 4). */
  readonly substeps?: number;
  /** Longest substep in seconds; longer predicts use more substeps (default ∞: always `substeps`). */
  readonly maxStep?: number;
}

const RULES = { g: "positive", L: "positive", c: "nonNegative", q: "nonNegative" } as const;

/**
 * Damped pendulum: θ' = ω, ω' = −(g/L)·sin θ − c·ω + w.
 *
 * State [θ, ω] (rad, rad/s), no input. Continuous Jacobian G = [[0, 1], [−(g/L)·cos θ, −c]].
 * Discretization: a fixed number of RK4 substeps (see {@link ContinuousDiscretizer}); the Jacobian is the
 * exact derivative of that discrete map by the chain rule through the substeps.
 * Process noise: white-noise angular acceleration of spectral density q, integrated through the
 * double integrator (the dynamics' own coupling over dt is neglected):
 *   Q(dt) = q·[[dt³/3, dt²/2], [dt²/2, dt]].
 */
export class DampedPendulum implements TransitionModel {
  readonly name = "damped_pendulum";
  readonly stateNames: readonly string[] = ["theta", "omega"];
  readonly inputNames: readonly string[] = [];
  readonly dimX = 2;
  readonly dimU = 0;
  readonly linear = false;
  readonly parameters: Readonly<DampedPendulumParameters>;
  readonly method: DiscretizationMethod;
  readonly substeps: number;
  readonly maxStep: number;
  readonly #discretizer: ContinuousDiscretizer;
  readonly #cache = new DiscreteStepCache(2, 0);

  constructor(options: DampedPendulumOptions) {
    this.parameters = resolveParameters(this.name, RULES, {
      g: options.g,
      L: options.L,
      c: options.c,
      q: options.q,
    });
    this.method = options.method ?? "rk4";
    this.substeps = options.substeps ?? 4;
    this.maxStep = options.maxStep ?? Number.POSITIVE_INFINITY;
    const gOverL = this.parameters.g / this.parameters.L;
    const c = this.parameters.c;
    this.#discretizer = new ContinuousDiscretizer(
      2,
      this.method,
      this.substeps,
      (x, _u, out) => {
        out[0] = x[1];
        out[1] = -gOverL * Math.sin(x[0]) - c * x[1];
      },
      (x, _u, out) => {
        out[0] = 0;
        out[1] = 1;
        out[2] = -gOverL * Math.cos(x[0]);
        out[3] = -c;
      },
      this.maxStep,
    );
  }

  /** out = the RK4 (or Euler) solution of the dynamics over dt. */
  f(x: Float64Array, dt: number, u: Float64Array, out: Float64Array): void {
    if (this.#cache.tryCopy(x, dt, u, out)) return;
    this.#discretizer.step(x, dt, u, out);
  }

  /** out = ∂f/∂x of the discrete map, by the chain rule through the substeps (f is kept for the next f call). */
  jacobian(x: Float64Array, dt: number, u: Float64Array, out: Float64Array): void {
    this.#discretizer.stepWithJacobian(x, dt, u, this.#cache.out, out);
    this.#cache.remember(x, dt, u);
  }

  /** out = q·[[dt³/3, dt²/2], [dt²/2, dt]]. */
  Q(dt: number, out: Float64Array): void {
    const q = this.parameters.q;
    out[0] = (q * dt * dt * dt) / 3;
    out[1] = (q * dt * dt) / 2;
    out[2] = out[1];
    out[3] = q * dt;
  }

  withParameters(overrides: Readonly<Record<string, number>>): DampedPendulum {
    const p = resolveParameters(this.name, RULES, this.parameters, overrides);
    return new DampedPendulum({ ...p, method: this.method, substeps: this.substeps, maxStep: this.maxStep });
  }
}
