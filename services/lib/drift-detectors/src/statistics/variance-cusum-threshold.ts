import { InvalidDetectorConfigError } from "../errors/invalid-detector-config-error.ts";
import { cusumArlMarkovChain } from "./cusum-arl-markov-chain.ts";
import { erfc } from "./normal-cdf.ts";
import { solveThresholdForArl } from "./solve-threshold-for-arl.ts";

/**
 * CDF of the variance-CUSUM increment X = ½ z² (1 − 1/ρ) − ½ ln ρ for z ~ N(0, 1), i.e. the log-likelihood
 * ratio of N(0, ρ) against N(0, 1) for one sample.
 *
 * With a = ½(1 − 1/ρ), c = −½ ln ρ and u = (x − c)/a: ρ > 1 gives F(x) = P(χ²₁ ≤ u), ρ < 1 gives
 * F(x) = P(χ²₁ ≥ u), where P(χ²₁ ≤ u) = 1 − erfc(√(u/2)).
 */
export function varianceLlrCdf(rho: number): (x: number) => number {
  const a = 0.5 * (1 - 1 / rho);
  const c = -0.5 * Math.log(rho);
  if (a > 0) {
    return (x) => {
      const u = (x - c) / a;
      return u <= 0 ? 0 : 1 - erfc(Math.sqrt(u / 2));
    };
  }
  return (x) => {
    const u = (x - c) / a;
    return u <= 0 ? 1 : erfc(Math.sqrt(u / 2));
  };
}

const cache = new Map<string, number>();

/**
 * Threshold h of a one-sided variance CUSUM (variance ratio ρ against 1) whose in-control ARL is `arl0`,
 * from the Brook–Evans Markov chain (`cusumArlMarkovChain`, 150 states) and bisection. Results are
 * memoized per (ρ, ARL₀): a drift service builds many identical detectors.
 */
export function varianceCusumThresholdForArl(rho: number, arl0: number): number {
  if (!(rho > 0) || rho === 1 || !Number.isFinite(rho)) {
    throw new InvalidDetectorConfigError("variance ratio must be > 0 and ≠ 1", { rho });
  }
  const key = `${rho}|${arl0}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const cdf = varianceLlrCdf(rho);
  const h = solveThresholdForArl((t) => cusumArlMarkovChain(cdf, t, 150), arl0, 1e-6);
  cache.set(key, h);
  return h;
}
