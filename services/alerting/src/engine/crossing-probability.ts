import { normalCdf } from "./normal-cdf.ts";

/** The Gaussian facts about one state variable (and optionally its rate) that a prognostic rule uses. */
export interface CrossingInput {
  /** Posterior mean m of the variable x. */
  readonly mean: number;
  /** Posterior variance P_xx of x. */
  readonly variance: number;
  /** Mean v of the rate ẋ (units per second); 0 when the twin has no rate variable. */
  readonly rateMean: number;
  /** Variance P_vv of the rate. */
  readonly rateVariance: number;
  /** Covariance P_xv between x and its rate. */
  readonly covariance: number;
  /** Horizon H in seconds. */
  readonly horizonSeconds: number;
  /** Random-walk variance q added per second (x units² / s). */
  readonly diffusion: number;
  /** The limit L. */
  readonly limit: number;
  readonly direction: "above" | "below";
}

/**
 * Probability that a state variable is past a limit at some time within [0, H], under a Gaussian linear
 * extrapolation of the twin's posterior.
 *
 * Model: x(τ) = x₀ + v·τ with (x₀, v) ~ N([m, v̄], [[P_xx, P_xv], [P_xv, P_vv]]) taken from the estimate's mean
 * and covariance. A straight line is past L somewhere in [0, H] iff it is past L at τ = 0 or at τ = H, so
 *
 *   p = 1 − P(x₀ ≤ L, x_H ≤ L),   x_H = x₀ + v·H,
 *   E[x_H] = m + v̄H,  Var[x_H] = P_xx + 2H·P_xv + H²·P_vv + q·H,  Cov[x₀, x_H] = P_xx + H·P_xv,
 *
 * and the bivariate normal CDF is computed as ∫_{−∞}^{L} φ(x₀) Φ((L − E[x_H | x₀]) / sd[x_H | x₀]) dx₀ by
 * composite Simpson over the standardized x₀ from −9 to (L − m)/√P_xx (400 panels). With a diffusion q > 0
 * the path is no longer a line and p counts only the endpoints (a lower bound on the crossing probability).
 * "below" is the same with every quantity negated. Without a rate variable (v̄ = P_vv = P_xv = 0, q = 0) p is
 * just P(x₀ > L).
 */
export function crossingProbability(input: CrossingInput): number {
  const s = input.direction === "above" ? 1 : -1;
  const H = input.horizonSeconds;
  const ma = s * input.mean;
  const L = s * input.limit;
  const va = Math.max(input.variance, 0);
  const mb = ma + s * input.rateMean * H;
  const vb = Math.max(va + 2 * H * input.covariance + H * H * input.rateVariance + input.diffusion * H, 0);
  const cab = va + H * input.covariance;
  return 1 - bivariateNormalCdf(L, ma, va, mb, vb, cab);
}

/** P(A ≤ L, B ≤ L) for jointly Gaussian (A, B) with means ma, mb, variances va, vb and covariance cab. */
function bivariateNormalCdf(L: number, ma: number, va: number, mb: number, vb: number, cab: number): number {
  const sa = Math.sqrt(va);
  const sb = Math.sqrt(vb);
  const pb = (mean: number, sd: number) => (sd > 0 ? normalCdf((L - mean) / sd) : L >= mean ? 1 : 0);
  if (sa === 0) return L >= ma ? pb(mb, sb) : 0;
  if (sb === 0) return L >= mb ? pb(ma, sa) : 0;
  const rho = Math.max(-1, Math.min(1, cab / (sa * sb)));
  const conditionalSd = sb * Math.sqrt(Math.max(0, 1 - rho * rho));
  const zL = (L - ma) / sa;
  const lower = -9;
  if (zL <= lower) return 0;
  const upper = Math.min(zL, 9);
  const n = 400;
  const h = (upper - lower) / n;
  const f = (z: number) => Math.exp(-0.5 * z * z) * pb(mb + rho * sb * z, conditionalSd);
  let sum = f(lower) + f(upper);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * f(lower + i * h);
  const integral = ((h / 3) * sum) / Math.sqrt(2 * Math.PI);
  return Math.max(0, Math.min(1, integral));
}
