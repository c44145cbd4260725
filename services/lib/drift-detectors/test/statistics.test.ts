import { describe, expect, test } from "@jest/globals";
import { InvalidDetectorConfigError } from "../src/errors/invalid-detector-config-error.ts";
import { binomialTwoSidedPValues } from "../src/statistics/binomial-test.ts";
import { chiSquareCdf, chiSquareQuantile } from "../src/statistics/chi-square.ts";
import { cusumThresholdForArl, siegmundArl, twoSidedCusumArl } from "../src/statistics/cusum-arl.ts";
import { cusumArlMarkovChain } from "../src/statistics/cusum-arl-markov-chain.ts";
import { logGamma } from "../src/statistics/log-gamma.ts";
import { normalCdf } from "../src/statistics/normal-cdf.ts";
import { varianceCusumThresholdForArl, varianceLlrCdf } from "../src/statistics/variance-cusum-threshold.ts";

describe("special functions", () => {
  test("log-gamma matches factorials and Γ(1/2) = √π", () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 11);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
  });

  test("chi-square quantiles match tabulated values", () => {
    expect(chiSquareQuantile(0.95, 1)).toBeCloseTo(3.841458820694124, 9);
    expect(chiSquareQuantile(0.05, 50)).toBeCloseTo(34.7642516835, 8);
    expect(chiSquareQuantile(0.975, 10)).toBeCloseTo(20.48317735080739, 8);
    expect(chiSquareQuantile(0.001, 3)).toBeCloseTo(0.02429759, 7);
    // Deep tails stay accurate: F(quantile(p)) = p.
    for (const [p, dof] of [
      [1 - 1e-7, 20],
      [1e-7, 20],
      [0.999995, 50],
      [5e-6, 150],
    ] as const) {
      const x = chiSquareQuantile(p, dof);
      const back = p > 0.5 ? 1 - chiSquareCdf(x, dof) : chiSquareCdf(x, dof);
      expect(Math.abs(back - (p > 0.5 ? 1 - p : p)) / (p > 0.5 ? 1 - p : p)).toBeLessThan(1e-6);
    }
  });

  test("normal CDF", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 7);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 8);
  });

  test("exact two-sided binomial p-values match R's binom.test", () => {
    const p = binomialTwoSidedPValues(100, 0.9);
    expect(p[90]).toBe(1);
    // binom.test(85, 100, 0.9)$p.value = 0.09628405; binom.test(80, 100, 0.9)$p.value = 0.002300249
    expect(p[85]).toBeCloseTo(0.09628405, 6);
    expect(p[80]).toBeCloseTo(0.002300249, 8);
    // binom.test(5, 10, 0.5) = 1; binom.test(0, 10, 0.5) = 2/1024
    expect(binomialTwoSidedPValues(10, 0.5)[5]).toBeCloseTo(1, 12);
    expect(binomialTwoSidedPValues(10, 0.5)[0]).toBeCloseTo(2 / 1024, 14);
  });
});

describe("CUSUM average run length", () => {
  test("the Brook–Evans Markov chain reproduces tabulated one-sided ARLs (k = 0.5)", () => {
    // Published values for k = 0.5: h = 4 → 336, h = 5 → 930 (Montgomery, Table 9.3 / Hawkins 1993).
    const cdf = (x: number): number => normalCdf(x + 0.5);
    expect(cusumArlMarkovChain(cdf, 4)).toBeGreaterThan(330);
    expect(cusumArlMarkovChain(cdf, 4)).toBeLessThan(342);
    expect(cusumArlMarkovChain(cdf, 5)).toBeGreaterThan(915);
    expect(cusumArlMarkovChain(cdf, 5)).toBeLessThan(945);
  });

  test("Siegmund's approximation agrees with the Markov chain within 6 % in the usual range", () => {
    for (const [k, h] of [
      [0.5, 4],
      [0.5, 8],
      [0.25, 8],
      [0.75, 5],
      [1, 3],
    ] as const) {
      const mc = cusumArlMarkovChain((x) => normalCdf(x + k), h);
      expect(Math.abs(siegmundArl(k, h) - mc) / mc).toBeLessThan(0.06);
    }
  });

  test("out-of-control ARL drops with the shift and the two-sided ARL is half the one-sided in control", () => {
    expect(siegmundArl(0.5, 5, 1)).toBeLessThan(12);
    expect(siegmundArl(0.5, 5, 1)).toBeGreaterThan(8);
    expect(twoSidedCusumArl(0.5, 5)).toBeCloseTo(siegmundArl(0.5, 5) / 2, 9);
  });

  test("threshold for a target ARL inverts the ARL", () => {
    for (const arl0 of [200, 500, 10_000, 1e6]) {
      const h = cusumThresholdForArl(arl0, 0.5);
      expect(twoSidedCusumArl(0.5, h) / arl0).toBeCloseTo(1, 6);
    }
    expect(() => cusumThresholdForArl(0.5, 0.5)).toThrow(InvalidDetectorConfigError);
    expect(() => cusumThresholdForArl(500, 0)).toThrow(InvalidDetectorConfigError);
  });

  test("variance-CUSUM increments have the χ²₁-based law and thresholds grow with ARL", () => {
    const cdf = varianceLlrCdf(4);
    // X = 0.375 z² − ln 2: P(X ≤ −ln 2) = P(z² ≤ 0) = 0, P(X ≤ 0.375·3.841 − ln 2) = 0.95
    expect(cdf(-Math.log(2) - 1e-9)).toBe(0);
    expect(cdf(0.375 * 3.841458820694124 - Math.log(2))).toBeCloseTo(0.95, 6);
    expect(varianceCusumThresholdForArl(4, 1e4)).toBeLessThan(varianceCusumThresholdForArl(4, 1e5));
  });
});
