import { choleskyLower } from "./cholesky.ts";
import { nearestSpd } from "./nearest-spd.ts";

/** Counters of the robustness paths taken by a {@link SpdFactorizer}; reported on each filter's `health`. */
export interface FactorizationCounters {
  /** Factorisations that succeeded only after adding diagonal jitter. */
  choleskyJitters: number;
  /** Factorisations that needed the nearest-SPD repair (Higham 1988). */
  choleskyRepairs: number;
  /** Factorisations that failed even after repair (non-finite input). */
  choleskyFailures: number;
}

/**
 * Robust lower Cholesky factorisation A = L·Lᵀ of a covariance that should be SPD but may not be, numerically.
 *
 * Strategy, cheapest first: (1) plain Cholesky; (2) up to three retries with diagonal jitter
 * A + ε·I, ε = 10⁻¹⁰, 10⁻⁸, 10⁻⁶ × mean(diag A); (3) the nearest SPD matrix (Higham 1988) with eigenvalues
 * floored at 10⁻¹² of the largest. On (2) and (3) the repaired matrix is written back into A, so the filter's
 * covariance and its factor stay consistent, and the corresponding counter is incremented — repairs are
 * reported, never hidden. Non-finite input fails (returns false) without repair: that is quarantine's job.
 * All scratch is preallocated for dimension n.
 */
export class SpdFactorizer {
  readonly n: number;
  readonly counters: FactorizationCounters;
  /**
   * Repair scratch, allocated on the first factorisation that needs a repair: most filters never do, and
   * the 4n² + n doubles are a large share of a small filter's resident size.
   */
  private trial: Float64Array | null = null;
  private work: Float64Array | null = null;

  constructor(n: number, counters: FactorizationCounters) {
    this.n = n;
    this.counters = counters;
  }

  /** L ← chol(A), repairing A in place when needed; false only when A has non-finite entries. */
  factor(A: Float64Array, L: Float64Array): boolean {
    const n = this.n;
    if (choleskyLower(A, L, n)) return true;
    const nn = n * n;
    for (let i = 0; i < nn; i++)
      if (!Number.isFinite(A[i])) {
        this.counters.choleskyFailures++;
        return false;
      }
    let meanDiag = 0;
    for (let i = 0; i < n; i++) meanDiag += Math.abs(A[i * n + i]);
    meanDiag = meanDiag / n || 1;
    this.trial ??= new Float64Array(nn);
    this.work ??= new Float64Array(3 * nn + n);
    const trial = this.trial;
    const work = this.work;
    for (let attempt = 0; attempt < 3; attempt++) {
      const eps = 10 ** (-10 + 2 * attempt) * meanDiag;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const v = i >= j ? A[i * n + j] : A[j * n + i];
          trial[i * n + j] = i === j ? v + eps : v;
        }
      }
      if (choleskyLower(trial, L, n)) {
        A.set(trial.subarray(0, nn));
        this.counters.choleskyJitters++;
        return true;
      }
    }
    nearestSpd(A, trial, work, n);
    if (choleskyLower(trial, L, n)) {
      A.set(trial.subarray(0, nn));
      this.counters.choleskyRepairs++;
      return true;
    }
    this.counters.choleskyFailures++;
    return false;
  }
}
