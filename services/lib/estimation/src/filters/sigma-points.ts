import { InvalidFilterConfigError } from "../errors/invalid-filter-config-error.ts";

/**
 * A sigma-point scheme for the unscented transform: 2n+1 points around (x, P) and their mean and
 * covariance weights Wm, Wc.
 *
 * Points (FilterPy's convention): with L the lower Cholesky factor of c·P, c = `scale` (= λ + n),
 *   χ₀ = x,  χ₁₊ᵢ = x + L[:, i],  χ₁₊ₙ₊ᵢ = x − L[:, i],  i = 0 … n−1,
 * stored row by row in a (2n+1)×n Float64Array.
 */
export interface SigmaPointScheme {
  readonly kind: "merwe" | "julier";
  readonly n: number;
  readonly numSigmas: number;
  /** c in chol(c·P): λ + n (Merwe) or n + κ (Julier). */
  readonly scale: number;
  readonly Wm: Float64Array;
  readonly Wc: Float64Array;
  /** The scheme's parameters, serialized with the filter. */
  readonly alpha: number;
  readonly beta: number;
  readonly kappa: number;
}

/** Writes the 2n+1 sigma points of (x, L) into `out` ((2n+1)×n), L the lower Cholesky factor of c·P. */
export function writeSigmaPoints(x: Float64Array, L: Float64Array, n: number, out: Float64Array): void {
  for (let j = 0; j < n; j++) out[j] = x[j];
  for (let i = 0; i < n; i++) {
    const plus = (1 + i) * n;
    const minus = (1 + n + i) * n;
    for (let j = 0; j < n; j++) {
      const l = L[j * n + i];
      out[plus + j] = x[j] + l;
      out[minus + j] = x[j] - l;
    }
  }
}

/**
 * Van der Merwe's scaled sigma points (Van der Merwe 2004; FilterPy `MerweScaledSigmaPoints`).
 *
 * λ = α²(n + κ) − n;  Wm₀ = λ/(n+λ);  Wc₀ = λ/(n+λ) + (1 − α² + β);  Wmᵢ = Wcᵢ = 1/(2(n+λ)).
 * n + λ is computed as n + (α²(n+κ) − n), exactly as FilterPy does.
 */
export class MerweScaledSigmaPoints implements SigmaPointScheme {
  readonly kind = "merwe";
  readonly n: number;
  readonly numSigmas: number;
  readonly scale: number;
  readonly Wm: Float64Array;
  readonly Wc: Float64Array;
  readonly alpha: number;
  readonly beta: number;
  readonly kappa: number;
  readonly lambda: number;

  constructor(n: number, alpha: number, beta: number, kappa: number) {
    const lambda = alpha ** 2 * (n + kappa) - n;
    if (!(n >= 1) || !Number.isInteger(n) || !(alpha > 0) || !Number.isFinite(beta) || !(n + lambda > 0)) {
      throw new InvalidFilterConfigError("MerweScaledSigmaPoints needs integer n ≥ 1, α > 0 and n + λ > 0", {
        n,
        alpha,
        beta,
        kappa,
      });
    }
    this.n = n;
    this.alpha = alpha;
    this.beta = beta;
    this.kappa = kappa;
    this.lambda = lambda;
    this.numSigmas = 2 * n + 1;
    this.scale = lambda + n;
    const c = 0.5 / (n + lambda);
    this.Wm = new Float64Array(this.numSigmas).fill(c);
    this.Wc = new Float64Array(this.numSigmas).fill(c);
    this.Wm[0] = lambda / (n + lambda);
    this.Wc[0] = lambda / (n + lambda) + (1 - alpha ** 2 + beta);
  }
}

/**
 * Julier's sigma points (Julier & Uhlmann 1997; FilterPy `JulierSigmaPoints`).
 *
 * Scale c = n + κ;  Wm₀ = κ/(n+κ);  Wmᵢ = 1/(2(n+κ));  Wc = Wm.
 */
export class JulierSigmaPoints implements SigmaPointScheme {
  readonly kind = "julier";
  readonly n: number;
  readonly numSigmas: number;
  readonly scale: number;
  readonly Wm: Float64Array;
  readonly Wc: Float64Array;
  readonly alpha = 1;
  readonly beta = 0;
  readonly kappa: number;

  constructor(n: number, kappa: number) {
    if (!(n >= 1) || !Number.isInteger(n) || !(n + kappa > 0)) {
      throw new InvalidFilterConfigError("JulierSigmaPoints needs integer n ≥ 1 and n + κ > 0", { n, kappa });
    }
    this.n = n;
    this.kappa = kappa;
    this.numSigmas = 2 * n + 1;
    this.scale = n + kappa;
    this.Wm = new Float64Array(this.numSigmas).fill(0.5 / (n + kappa));
    this.Wm[0] = kappa / (n + kappa);
    this.Wc = this.Wm.slice();
  }
}
