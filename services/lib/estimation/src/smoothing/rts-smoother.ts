import { choleskyLower } from "../linalg/cholesky.ts";
import { choleskySolve } from "../linalg/cholesky-solve.ts";
import { invert } from "../linalg/invert.ts";
import { multiply, multiplyABt, multiplyVector } from "../linalg/matrix-multiply.ts";

/** A recorded filter run for smoothing: posteriors x[k], P[k] and the F[k], Q[k] of the predict INTO step k. */
export interface RecordedRun {
  readonly x: readonly Float64Array[];
  readonly P: readonly Float64Array[];
  readonly F: readonly Float64Array[];
  readonly Q: readonly Float64Array[];
}

/** Smoothed means and covariances, smoother gains G[k] (last zeros) and Pp[k] (last = last filtered P). */
export interface SmoothedRun {
  readonly x: Float64Array[];
  readonly P: Float64Array[];
  readonly G: Float64Array[];
  readonly Pp: Float64Array[];
}

/**
 * Rauch–Tung–Striebel fixed-interval smoother over a recorded Kalman run (Rauch, Tung & Striebel 1965), in
 * FilterPy's `rts_smoother` convention. For k = n−2 … 0:
 *   Pp[k] = F[k+1] P[k] F[k+1]ᵀ + Q[k+1];   G[k] = P[k] F[k+1]ᵀ Pp[k]⁻¹;
 *   xs[k] = x[k] + G[k] (xs[k+1] − F[k+1] x[k]);   Ps[k] = P[k] + G[k] (Ps[k+1] − Pp[k]) G[k]ᵀ.
 * The last step keeps its filtered values. Backtests only (allocates per step); G is solved with a
 * Cholesky factor of Pp (an explicit inverse when Pp is not numerically SPD).
 */
export function rtsSmooth(run: RecordedRun): SmoothedRun {
  const steps = run.x.length;
  if (steps === 0) return { x: [], P: [], G: [], Pp: [] };
  const n = (run.x[0] as Float64Array).length;
  const xs = run.x.map((v) => v.slice());
  const Ps = run.P.map((v) => v.slice());
  const G = run.x.map(() => new Float64Array(n * n));
  const Pp = run.P.map((v) => v.slice());
  const FP = new Float64Array(n * n);
  const L = new Float64Array(n * n);
  const Gt = new Float64Array(n * n);
  const inv = new Float64Array(n * n);
  const work = new Float64Array(n * n);
  const Fx = new Float64Array(n);
  const D = new Float64Array(n * n);
  const GD = new Float64Array(n * n);
  for (let k = steps - 2; k >= 0; k--) {
    const F = run.F[k + 1] as Float64Array;
    const Pk = run.P[k] as Float64Array;
    const ppk = Pp[k] as Float64Array;
    multiply(F, Pk, FP, n, n, n);
    multiplyABt(FP, F, ppk, n, n, n);
    const Q = run.Q[k + 1] as Float64Array;
    for (let i = 0; i < n * n; i++) ppk[i] = (ppk[i] as number) + (Q[i] as number);
    const Gk = G[k] as Float64Array;
    // Gᵀ = Pp⁻¹ (F P) since P and Pp are symmetric.
    if (choleskyLower(ppk, L, n)) {
      choleskySolve(L, FP, Gt, n, n);
    } else {
      invert(ppk, inv, work, n);
      multiply(inv, FP, Gt, n, n, n);
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Gk[i * n + j] = Gt[j * n + i] as number;
    const xk = xs[k] as Float64Array;
    multiplyVector(F, run.x[k] as Float64Array, Fx, n, n);
    const xNext = xs[k + 1] as Float64Array;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += (Gk[i * n + j] as number) * ((xNext[j] as number) - (Fx[j] as number));
      xk[i] = (xk[i] as number) + s;
    }
    const PsNext = Ps[k + 1] as Float64Array;
    for (let i = 0; i < n * n; i++) D[i] = (PsNext[i] as number) - (ppk[i] as number);
    multiply(Gk, D, GD, n, n, n);
    multiplyABt(GD, Gk, work, n, n, n);
    const Psk = Ps[k] as Float64Array;
    for (let i = 0; i < n * n; i++) Psk[i] = (Psk[i] as number) + (work[i] as number);
  }
  return { x: xs, P: Ps, G, Pp };
}
