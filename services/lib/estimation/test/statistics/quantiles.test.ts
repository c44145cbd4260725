import { describe, expect, test } from "@jest/globals";
import { chiSquareQuantile } from "../../src/statistics/chi-square-quantile.ts";
import { regularizedGamma } from "../../src/statistics/incomplete-gamma.ts";
import { normalQuantile } from "../../src/statistics/normal-quantile.ts";

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

describe("chiSquareQuantile", () => {
  test.each([
    [0.95, 1, 3.841458820694124],
    [0.99, 2, 9.210340371976184],
    [0.95, 4, 9.487729036781154],
    [0.95, 2, 5.991464547107979],
    [0.99, 3, 11.344866730144373],
    [0.999, 3, 16.26623619623813],
    [0.01, 1, 0.00015708785790970184],
    [0.5, 10, 9.341817765591966],
    [0.95, 30, 43.77297182574219],
  ])("χ²(%f, %i) = %f (relative error < 1e-12)", (p, k, expected) => {
    expect(relErr(chiSquareQuantile(p, k), expected)).toBeLessThan(1e-12);
  });

  test("inverts the regularized incomplete gamma", () => {
    for (const k of [1, 2, 3, 5, 7, 12]) {
      for (const p of [0.001, 0.1, 0.5, 0.9, 0.999]) {
        const x = chiSquareQuantile(p, k);
        expect(Math.abs((regularizedGamma(k / 2, x / 2)[0] as number) - p)).toBeLessThan(1e-13);
      }
    }
  });

  test("edges: 0 → 0, 1 → ∞, invalid → NaN", () => {
    expect(chiSquareQuantile(0, 3)).toBe(0);
    expect(chiSquareQuantile(1, 3)).toBe(Number.POSITIVE_INFINITY);
    expect(chiSquareQuantile(1.5, 3)).toBeNaN();
    expect(chiSquareQuantile(0.5, 0)).toBeNaN();
  });
});

describe("normalQuantile (AS 241)", () => {
  test.each([
    [0.5, 0],
    [0.975, 1.959963984540054],
    [0.025, -1.959963984540054],
    [0.95, 1.6448536269514722],
    [0.841344746068543, 0.9999999999999997],
    [1e-10, -6.361340902404056],
    [1e-300, -37.0470962993612],
    [1e-20, -9.262340089798405],
  ])("Φ⁻¹(%f) = %f", (p, z) => {
    const v = normalQuantile(p);
    expect(Math.abs(v - z)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(z)));
  });

  test("is antisymmetric and monotone", () => {
    let prev = Number.NEGATIVE_INFINITY;
    for (let i = 1; i < 1000; i++) {
      const p = i / 1000;
      const z = normalQuantile(p);
      expect(z).toBeGreaterThan(prev);
      expect(Math.abs(z + normalQuantile(1 - p))).toBeLessThan(1e-12);
      prev = z;
    }
  });
});
