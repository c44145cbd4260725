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
 * adaptive Simpson quadrature over the standardized x₀ from −9 to (L − m)/√P_xx, split where the conditional
 * mean crosses L (the integrand's step when x₀ and x_H are nearly perfectly correlated). With a diffusion q > 0
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
  const f = (z: number) => Math.exp(-0.5 * z * z) * pb(mb + rho * sb * z, conditionalSd);
  // The conditional CDF steps from 1 to 0 around z* where E[B | z] = L (sharply when |rho| → 1): integrate each
  // side of z* separately, adaptively.
  const zStar = rho === 0 ? Number.NaN : (L - mb) / (rho * sb);
  const cuts = [lower, ...(zStar > lower && zStar < upper ? [zStar] : []), upper];
  let integral = 0;
  for (let k = 1; k < cuts.length; k++) integral += adaptiveSimpson(f, cuts[k - 1]!, cuts[k]!, 1e-10, 40);
  integral /= Math.sqrt(2 * Math.PI);
  return Math.max(0, Math.min(1, integral));
}

/** Adaptive Simpson quadrature of f over [a, b] to absolute tolerance eps (Lyness' criterion, bounded depth). */
function adaptiveSimpson(f: (x: number) => number, a: number, b: number, eps: number, depth: number): number {
  const fa = f(a);
  const fb = f(b);
  const m = (a + b) / 2;
  const fm = f(m);
  return refine(f, a, b, fa, fm, fb, ((b - a) / 6) * (fa + 4 * fm + fb), eps, depth);
}

function refine(
  f: (x: number) => number,
  a: number,
  b: number,
  fa: number,
  fm: number,
  fb: number,
  whole: number,
  eps: number,
  depth: number,
): number {
  const m = (a + b) / 2;
  const lm = (a + m) / 2;
  const rm = (m + b) / 2;
  const flm = f(lm);
  const frm = f(rm);
  const left = ((m - a) / 6) * (fa + 4 * flm + fm);
  const right = ((b - m) / 6) * (fm + 4 * frm + fb);
  const delta = left + right - whole;
  if (depth <= 0 || Math.abs(delta) <= 15 * eps) return left + right + delta / 15;
  return (
    refine(f, a, m, fa, flm, fm, left, eps / 2, depth - 1) + refine(f, m, b, fm, frm, fb, right, eps / 2, depth - 1)
  );
}
