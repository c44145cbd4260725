import { InvalidDetectorConfigError } from "../errors/invalid-detector-config-error.ts";
import { regularizedGammaP, regularizedGammaQ } from "./regularized-gamma.ts";

/** Chi-square CDF F(x; ν) = P(ν/2, x/2). */
export function chiSquareCdf(x: number, dof: number): number {
  return regularizedGammaP(dof / 2, x / 2);
}

/** Chi-square survival function 1 − F(x; ν), accurate far in the upper tail. */
export function chiSquareSf(x: number, dof: number): number {
  return regularizedGammaQ(dof / 2, x / 2);
}

/**
 * Chi-square quantile: the x with F(x; ν) = p, for 0 < p < 1.
 *
 * Brackets the root from the Wilson–Hilferty start and refines by bisection on the monotone CDF (on the
 * survival function for p > 0.5, so tail quantiles such as p = 1 − 1e−7 stay accurate) to ~1e−13 relative.
 * Used for NIS consistency bounds and the stuck-sensor variance floor.
 */
export function chiSquareQuantile(p: number, dof: number): number {
  if (!(p > 0 && p < 1)) throw new InvalidDetectorConfigError("chi-square quantile needs 0 < p < 1", { p });
  if (!(dof > 0)) throw new InvalidDetectorConfigError("chi-square degrees of freedom must be > 0", { dof });
  const upperTail = p > 0.5;
  const target = upperTail ? 1 - p : p;
  // f(x) increases with x in both cases below; we search f(x) = target.
  const f = (x: number): number => (upperTail ? -chiSquareSf(x, dof) : chiSquareCdf(x, dof));
  const goal = upperTail ? -target : target;
  let lo = 0;
  let hi = Math.max(1, dof);
  while (f(hi) < goal) hi *= 2;
  for (let i = 0; i < 300 && hi - lo > 1e-13 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (f(mid) < goal) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
