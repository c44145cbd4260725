import { describe, expect, test } from "@jest/globals";
import { normalQuantile } from "@twinstate/estimation";
import { crossingProbability } from "../src/engine/crossing-probability.ts";
import { normalCdf } from "../src/engine/normal-cdf.ts";

/** mulberry32: a tiny seeded PRNG so the Monte Carlo reference is reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Box–Muller standard normals from a uniform source. */
function normals(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const base = { rateMean: 0, rateVariance: 0, covariance: 0, horizonSeconds: 600, diffusion: 0 };

describe("normalCdf", () => {
  test("inverts the estimation library's normal quantile (AS 241) to 1e-7", () => {
    for (const p of [1e-6, 0.001, 0.025, 0.1, 0.3, 0.5, 0.7, 0.9, 0.975, 0.999]) {
      expect(Math.abs(normalCdf(normalQuantile(p)) - p)).toBeLessThan(1e-7 + 1e-6 * p);
    }
    expect(Math.abs(normalCdf(0) - 0.5)).toBeLessThan(1e-7);
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
  });
});

describe("crossingProbability", () => {
  test("without a rate it is the Gaussian tail P(x > L) (or P(x < L) for below)", () => {
    const p = crossingProbability({ ...base, mean: 95, variance: 4, limit: 100, direction: "above" });
    expect(p).toBeCloseTo(1 - normalCdf(2.5), 6);
    const q = crossingProbability({ ...base, mean: 0.2, variance: 0.01, limit: 0.1, direction: "below" });
    expect(q).toBeCloseTo(normalCdf(-1), 6);
  });

  test("a certain state is an indicator of the extrapolated line", () => {
    const sure = { ...base, variance: 0, rateVariance: 0, direction: "above" as const, limit: 100 };
    expect(crossingProbability({ ...sure, mean: 50, rateMean: 0.1 })).toBe(1); // 50 + 60 = 110
    expect(crossingProbability({ ...sure, mean: 50, rateMean: 0.05 })).toBe(0); // 50 + 30 = 80
  });

  test("matches a Monte Carlo simulation of the linear model (correlated x and rate, both directions)", () => {
    const cases = [
      {
        mean: 80,
        variance: 9,
        rateMean: 0.02,
        rateVariance: 1e-4,
        covariance: 0.01,
        limit: 100,
        direction: "above" as const,
      },
      {
        mean: 90,
        variance: 25,
        rateMean: -0.01,
        rateVariance: 4e-4,
        covariance: -0.05,
        limit: 100,
        direction: "above" as const,
      },
      {
        mean: 0.5,
        variance: 0.01,
        rateMean: -5e-4,
        rateVariance: 1e-7,
        covariance: 0,
        limit: 0.2,
        direction: "below" as const,
      },
    ];
    const z = normals(mulberry32(42));
    const N = 100_000;
    for (const c of cases) {
      const H = base.horizonSeconds;
      const sx = Math.sqrt(c.variance);
      const rho = c.covariance / (sx * Math.sqrt(c.rateVariance));
      let hits = 0;
      for (let k = 0; k < N; k++) {
        const z1 = z();
        const z2 = rho * z1 + Math.sqrt(1 - rho * rho) * z();
        const x0 = c.mean + sx * z1;
        const xH = x0 + (c.rateMean + Math.sqrt(c.rateVariance) * z2) * H;
        const crossed = c.direction === "above" ? x0 > c.limit || xH > c.limit : x0 < c.limit || xH < c.limit;
        if (crossed) hits++;
      }
      const mc = hits / N;
      const p = crossingProbability({ ...base, ...c });
      const se = Math.sqrt((mc * (1 - mc)) / N);
      expect(Math.abs(p - mc)).toBeLessThan(4 * se + 1e-4);
      expect(p).toBeGreaterThan(0.01);
      expect(p).toBeLessThan(0.99);
    }
  });

  test("grows with the horizon and with the diffusion", () => {
    const c = {
      ...base,
      mean: 80,
      variance: 4,
      rateMean: 0.01,
      rateVariance: 1e-5,
      limit: 100,
      direction: "above" as const,
    };
    const ps = [60, 600, 1800, 3600].map((h) => crossingProbability({ ...c, horizonSeconds: h }));
    for (let i = 1; i < ps.length; i++) expect(ps[i]!).toBeGreaterThanOrEqual(ps[i - 1]!);
    expect(crossingProbability({ ...c, diffusion: 0.1 })).toBeGreaterThan(crossingProbability(c));
  });
});
