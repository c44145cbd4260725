import { InvalidDetectorConfigError } from "../errors/invalid-detector-config-error.ts";
import { logGamma } from "./log-gamma.ts";

/**
 * Two-sided exact binomial test p-values for every possible count x ∈ {0..n} under Binomial(n, p₀).
 *
 * p(x) = Σ_{i : f(i) ≤ f(x)·(1 + 1e−7)} f(i), with f the binomial pmf — the "minimum likelihood" two-sided
 * test of R's `binom.test` (the relative tolerance absorbs rounding ties). Returns a table indexed by x,
 * so a monitor with a fixed window looks the p-value up in O(1).
 */
export function binomialTwoSidedPValues(n: number, p0: number): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new InvalidDetectorConfigError("binomial n must be an integer ≥ 1", { n });
  if (!(p0 > 0 && p0 < 1)) throw new InvalidDetectorConfigError("binomial p0 must be in (0, 1)", { p0 });
  const pmf = new Float64Array(n + 1);
  const lnN = logGamma(n + 1);
  for (let i = 0; i <= n; i++) {
    pmf[i] = Math.exp(lnN - logGamma(i + 1) - logGamma(n - i + 1) + i * Math.log(p0) + (n - i) * Math.log1p(-p0));
  }
  const sorted = Array.from(pmf).sort((a, b) => a - b);
  const out = new Float64Array(n + 1);
  for (let x = 0; x <= n; x++) {
    const limit = pmf[x]! * (1 + 1e-7);
    let s = 0;
    for (const v of sorted) {
      if (v > limit) break;
      s += v;
    }
    out[x] = Math.min(1, s);
  }
  return out;
}
