import type { MeasurementModel } from "../../src/models/measurement-model.ts";
import type { TransitionModel } from "../../src/models/transition-model.ts";
import { chiSquareQuantile } from "../../src/statistics/chi-square-quantile.ts";
import { SeededNormal } from "./seeded-normal.ts";

/** What the experiment needs from a filter (the StateFilter API). */
export interface FilterUnderTest {
  predict(t: number, u?: Float64Array): unknown;
  update(sensor: string, z: Float64Array): unknown;
  mean(): Float64Array;
  covariance(): Float64Array;
}

/** One Monte Carlo NEES experiment: truth simulated from the model itself, the filter run on its readings. */
export interface NeesExperiment {
  readonly transition: TransitionModel;
  readonly sensors: Readonly<Record<string, MeasurementModel>>;
  readonly makeFilter: (x0: Float64Array, P0: Float64Array, t0: number) => FilterUnderTest;
  readonly x0: Float64Array;
  readonly P0: Float64Array;
  readonly dt: number;
  readonly steps: number;
  readonly runs: number;
  readonly seed: number;
  /** Control input at step k (default zeros). */
  readonly input?: (k: number) => Float64Array;
  /** Angular state components: their estimation errors wrap to [−π, π). */
  readonly angularStates?: readonly number[];
}

/** Results: the grand average NEES, per-step averages, and the 95% two-sided bounds for M·n dof. */
export interface NeesResult {
  readonly averageNees: number;
  readonly perStep: Float64Array;
  readonly lower: number;
  readonly upper: number;
  /** Fraction of steps whose run-averaged NEES lies inside [lower, upper]. */
  readonly fractionInside: number;
}

/**
 * Run M = `runs` simulations of `steps` steps: truth x₀ ~ N(x0, P0), x_{k+1} = f(x_k, dt, u_k) + w,
 * w ~ N(0, Q(dt)), every sensor z = h(x, u) + v, v ~ N(0, R); the filter predicts and updates; NEES
 * ε_k = e_kᵀ P_k⁻¹ e_k with e = x − x̂ after each update. For a consistent filter M·ε̄_k ~ χ²(M·n), so the
 * 95% bounds on ε̄ are χ²⁻¹(0.025; M·n)/M and χ²⁻¹(0.975; M·n)/M (Bar-Shalom, Li, Kirubarajan §5.4.2).
 */
export function runNeesExperiment(e: NeesExperiment): NeesResult {
  const n = e.transition.dimX;
  const rng = new SeededNormal(e.seed);
  const perStep = new Float64Array(e.steps);
  const Q = new Float64Array(n * n);
  const zeroU = new Float64Array(e.transition.dimU);
  const truth = new Float64Array(n);
  const next = new Float64Array(n);
  const err = new Float64Array(n);
  for (let run = 0; run < e.runs; run++) {
    rng.gaussian(e.x0, e.P0, truth);
    const filter = e.makeFilter(e.x0, e.P0, 0);
    for (let k = 0; k < e.steps; k++) {
      const u = e.input ? e.input(k) : zeroU;
      e.transition.f(truth, e.dt, u, next);
      e.transition.Q(e.dt, Q);
      rng.gaussian(next, Q, truth);
      filter.predict((k + 1) * e.dt, u);
      for (const [name, model] of Object.entries(e.sensors)) {
        const z = new Float64Array(model.dimZ);
        const R = new Float64Array(model.dimZ * model.dimZ);
        model.h(truth, u, z);
        model.R(R);
        const noisy = new Float64Array(model.dimZ);
        rng.gaussian(z, R, noisy);
        filter.update(name, noisy);
      }
      const xHat = filter.mean();
      const P = filter.covariance();
      for (let i = 0; i < n; i++) {
        err[i] = truth[i] - xHat[i];
        if (e.angularStates?.includes(i)) err[i] = Math.atan2(Math.sin(err[i]), Math.cos(err[i]));
      }
      perStep[k] += quadraticForm(P, err, n) / e.runs;
    }
  }
  const dof = e.runs * n;
  const lower = chiSquareQuantile(0.025, dof) / e.runs;
  const upper = chiSquareQuantile(0.975, dof) / e.runs;
  let sum = 0;
  let inside = 0;
  for (const v of perStep) {
    sum += v;
    if (v >= lower && v <= upper) inside++;
  }
  return { averageNees: sum / e.steps, perStep, lower, upper, fractionInside: inside / e.steps };
}

/** eᵀ P⁻¹ e by Gaussian elimination on a copy (test code: clarity over speed). */
function quadraticForm(P: Float64Array, e: Float64Array, n: number): number {
  const A = Float64Array.from(P);
  const b = Float64Array.from(e);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]) > Math.abs(A[piv * n + c])) piv = r;
    if (piv !== c) {
      for (let j = 0; j < n; j++) [A[c * n + j], A[piv * n + j]] = [A[piv * n + j], A[c * n + j]];
      [b[c], b[piv]] = [b[piv], b[c]];
    }
    for (let r = c + 1; r < n; r++) {
      const f = A[r * n + c] / A[c * n + c];
      for (let j = c; j < n; j++) A[r * n + j] -= f * A[c * n + j];
      b[r] -= f * b[c];
    }
  }
  const y = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r];
    for (let j = r + 1; j < n; j++) s -= A[r * n + j] * y[j];
    y[r] = s / A[r * n + r];
  }
  let q = 0;
  for (let i = 0; i < n; i++) q += e[i] * y[i];
  return q;
}

/** Diagonal matrix from its diagonal. */
export function diag(...values: number[]): Float64Array {
  const n = values.length;
  const M = new Float64Array(n * n);
  values.forEach((v, i) => {
    M[i * n + i] = v;
  });
  return M;
}
