import type { TransitionModel } from "../transition-model.ts";
import { ContinuousDiscretizer, type DiscretizationMethod } from "./continuous-discretizer.ts";
import { DiscreteStepCache } from "./discrete-step-cache.ts";
import { ModelParameterError } from "./model-parameter-error.ts";
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
  readonly #gOverL: number;

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
    if (!Number.isInteger(this.substeps) || this.substeps < 1 || this.substeps > 1000) {
      throw new ModelParameterError(
        this.name,
        "substeps",
        "invalid",
        `must be an integer in 1…1000, got ${this.substeps}`,
      );
    }
    if (!(this.maxStep > 0)) {
      throw new ModelParameterError(this.name, "maxStep", "not_positive", `must be > 0, got ${this.maxStep}`);
    }
    const gOverL = this.parameters.g / this.parameters.L;
    this.#gOverL = gOverL;
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
    if (this.method === "rk4") this.#rk4(x, dt, out, null);
    else this.#discretizer.step(x, dt, u, out);
  }

  /** out = ∂f/∂x of the discrete map, by the chain rule through the substeps (f is kept for the next f call). */
  jacobian(x: Float64Array, dt: number, u: Float64Array, out: Float64Array): void {
    if (this.method === "rk4") this.#rk4(x, dt, this.#cache.out, out);
    else this.#discretizer.stepWithJacobian(x, dt, u, this.#cache.out, out);
    this.#cache.remember(x, dt, u);
  }

  /**
   * RK4 unrolled for this 2-state model (same arithmetic as {@link ContinuousDiscretizer}, without its
   * closures and dense n×n products). Stage Jacobians K_s = G(y_s)·(I + c_s·K_{s−1}) with
   * G(y) = [[0, 1], [γ, −c]], γ = −(g/L)·cos θ_y, so row 0 of K_s is [c_s·K10, 1 + c_s·K11] and row 1 is
   * [γ·(1 + c_s·K00) − c·c_s·K10, γ·c_s·K01 − c·(1 + c_s·K11)]; Φ = I + h/6·(K1 + 2K2 + 2K3 + K4), F ← Φ·F.
   */
  #rk4(x: Float64Array, dt: number, out: Float64Array, Fout: Float64Array | null): void {
    const a = this.#gOverL;
    const c = this.parameters.c;
    const m = Math.max(this.substeps, Math.ceil(Math.abs(dt) / this.maxStep));
    const h = dt / m;
    const h2 = 0.5 * h;
    const h6 = h / 6;
    let th = x[0];
    let om = x[1];
    let F00 = 1;
    let F01 = 0;
    let F10 = 0;
    let F11 = 1;
    for (let s = 0; s < m; s++) {
      const k1t = om;
      const k1o = -a * Math.sin(th) - c * om;
      const t2 = th + h2 * k1t;
      const o2 = om + h2 * k1o;
      const k2t = o2;
      const k2o = -a * Math.sin(t2) - c * o2;
      const t3 = th + h2 * k2t;
      const o3 = om + h2 * k2o;
      const k3t = o3;
      const k3o = -a * Math.sin(t3) - c * o3;
      const t4 = th + h * k3t;
      const o4 = om + h * k3o;
      const k4t = o4;
      const k4o = -a * Math.sin(t4) - c * o4;
      if (Fout !== null) {
        // K1 = G(x)
        const K1_10 = -a * Math.cos(th);
        const K1_11 = -c;
        // K2 = G(y2)·(I + h2·K1), K1 row 0 = [0, 1]
        const g2 = -a * Math.cos(t2);
        const K2_00 = h2 * K1_10;
        const K2_01 = 1 + h2 * K1_11;
        const K2_10 = g2 - c * h2 * K1_10;
        const K2_11 = g2 * h2 - c * (1 + h2 * K1_11);
        const g3 = -a * Math.cos(t3);
        const K3_00 = h2 * K2_10;
        const K3_01 = 1 + h2 * K2_11;
        const K3_10 = g3 * (1 + h2 * K2_00) - c * h2 * K2_10;
        const K3_11 = g3 * h2 * K2_01 - c * (1 + h2 * K2_11);
        const g4 = -a * Math.cos(t4);
        const K4_00 = h * K3_10;
        const K4_01 = 1 + h * K3_11;
        const K4_10 = g4 * (1 + h * K3_00) - c * h * K3_10;
        const K4_11 = g4 * h * K3_01 - c * (1 + h * K3_11);
        const P00 = 1 + h6 * (2 * K2_00 + 2 * K3_00 + K4_00);
        const P01 = h6 * (1 + 2 * K2_01 + 2 * K3_01 + K4_01);
        const P10 = h6 * (K1_10 + 2 * K2_10 + 2 * K3_10 + K4_10);
        const P11 = 1 + h6 * (K1_11 + 2 * K2_11 + 2 * K3_11 + K4_11);
        const N00 = P00 * F00 + P01 * F10;
        const N01 = P00 * F01 + P01 * F11;
        const N10 = P10 * F00 + P11 * F10;
        const N11 = P10 * F01 + P11 * F11;
        F00 = N00;
        F01 = N01;
        F10 = N10;
        F11 = N11;
      }
      th += h6 * (k1t + 2 * k2t + 2 * k3t + k4t);
      om += h6 * (k1o + 2 * k2o + 2 * k3o + k4o);
    }
    out[0] = th;
    out[1] = om;
    if (Fout !== null) {
      Fout[0] = F00;
      Fout[1] = F01;
      Fout[2] = F10;
      Fout[3] = F11;
    }
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
