import { describe, expect, test } from "@jest/globals";
import { ParticleFilter } from "../../src/filters/particle-filter.ts";
import { cvModels } from "../support/filter-factory.ts";
import { bitEqual } from "../support/test-models.ts";

function make(): ParticleFilter {
  return new ParticleFilter({
    ...cvModels(),
    x0: new Float64Array([0, 1, 0, 1]),
    P0: new Float64Array([1, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0.5]),
    t0: 0,
    particles: 300,
    seed: 11,
    resampler: "systematic",
    essThreshold: 0.7,
  });
}

describe("particle filter lazy moments", () => {
  test("reading the posterior mean alone, then P, gives the moments of a filter that read both at once", () => {
    const a = make();
    const b = make();
    for (let k = 1; k <= 20; k++) {
      const z = Float64Array.of(0.1 * k + Math.sin(k), 0.1 * k - Math.cos(k));
      a.predict(0.1 * k);
      b.predict(0.1 * k);
      const ra = a.update("gps", z);
      const rb = b.update("gps", z);
      const xOnly = ra.posterior.x.slice(); // mean alone (P not computed yet)
      const Pb = rb.posterior.P.slice(); // P first: mean and covariance together
      const xb = rb.posterior.x.slice();
      expect(bitEqual(xOnly, xb)).toBe(true);
      expect(bitEqual(ra.posterior.P, Pb)).toBe(true);
      expect(bitEqual(ra.posterior.x, xb)).toBe(true);
      if (k % 5 === 0) expect(bitEqual(a.mean(), b.mean())).toBe(true);
    }
  });
});
