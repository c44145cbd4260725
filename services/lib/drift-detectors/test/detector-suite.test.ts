import { describe, expect, test } from "@jest/globals";
import { DEFAULT_SUITE_CONFIG, DetectorSuite } from "../src/detector-suite.ts";
import { InvalidDetectorConfigError } from "../src/errors/invalid-detector-config-error.ts";
import { InvalidSampleError } from "../src/errors/invalid-sample-error.ts";
import { NonFiniteSampleError } from "../src/errors/non-finite-sample-error.ts";
import { SeededRandom } from "../src/eval/seeded-random.ts";
import { normalizedInnovationSquared } from "../src/statistics/normalized-innovation.ts";

describe("DetectorSuite", () => {
  test("builds every detector by default, in routing order", () => {
    expect(DetectorSuite.create().detectorNames).toEqual([
      "cusum",
      "page_hinkley",
      "adwin",
      "interval_coverage",
      "stuck_sensor",
      "noise_level",
      "nis_window",
    ]);
  });

  test("a twin definition's config overrides, disables and calibrates", () => {
    const suite = DetectorSuite.create({
      cusum: { arl0: 10_000 },
      adwin: {},
      nisWindow: { window: 50, probability: 0.999 },
      pageHinkley: false,
      coverage: false,
    });
    expect(suite.detectorNames).toEqual(["cusum", "adwin", "stuck_sensor", "noise_level", "nis_window"]);
    const byName = Object.fromEntries(suite.state().map((s) => [s.detector, s]));
    // h for ARL0 = 10 000 with k = 0.5 (Siegmund, two-sided) ≈ 8.045
    expect(byName.cusum!.threshold).toBeCloseTo(8.0454, 3);
    expect(byName.nis_window!.threshold).toBeCloseTo(89.5605, 3); // χ²_{0.9995}(50); Wilson–Hilferty gives 89.66
  });

  test("multi-component sensors get one detector per component and spread the false-alarm budget", () => {
    const one = DetectorSuite.create({}, 1);
    const two = DetectorSuite.create({}, 2);
    expect(two.detectorNames).toContain("cusum[1]");
    expect(two.detectorNames.filter((n) => n === "nis_window")).toHaveLength(1);
    const h = (s: DetectorSuite, name: string) => s.state().find((x) => x.detector === name)!.threshold;
    expect(h(two, "cusum[0]")).toBeGreaterThan(h(one, "cusum"));
  });

  test("routes normalized innovations, computes NIS when absent, and reports detections", () => {
    const suite = DetectorSuite.create({ pageHinkley: false, adwin: false, noiseLevel: false, nisWindow: false });
    const rng = new SeededRandom(21);
    let first: string | undefined;
    let at = -1;
    for (let i = 0; i < 400 && first === undefined; i++) {
      const bias = i >= 300 ? 6 : 0; // 3σ of √S = 2
      const y = 2 * rng.normal() + bias;
      const hits = suite.update({ index: i, y: [y], S: [4] });
      if (hits.length > 0) {
        first = hits[0]!.detector;
        at = i;
      }
    }
    expect(first).toBe("cusum");
    expect(at).toBeGreaterThanOrEqual(300);
    expect(at).toBeLessThan(310);
  });

  test("NIS from y and S matches yᵀS⁻¹y", () => {
    const S = [4, 1, 1, 2];
    const y = [1, -2];
    // S⁻¹ = [2, −1; −1, 4] / 7 → yᵀS⁻¹y = (2 + 4 + 16) / 7
    expect(normalizedInnovationSquared(y, S, 2)).toBeCloseTo(22 / 7, 12);
    expect(() => normalizedInnovationSquared([1, 1], [1, 2, 2, 1], 2)).toThrow(InvalidSampleError);
  });

  test("rejects malformed samples and configs", () => {
    const suite = DetectorSuite.create({}, 2);
    expect(() => suite.update({ index: 0, y: [1], S: [1] })).toThrow(InvalidSampleError);
    expect(() => suite.update({ index: 0, y: [1, 1], S: [1, 0, 0, -1] })).toThrow(InvalidSampleError);
    expect(() => suite.update({ index: 0, y: [1, Number.NaN], S: [1, 0, 0, 1] })).toThrow(NonFiniteSampleError);
    expect(() => suite.update({ index: 0, y: [1, 1], S: [1, 0, 0, 1], reading: [1] })).toThrow(InvalidSampleError);
    expect(() => DetectorSuite.create({}, 0)).toThrow(InvalidDetectorConfigError);
    expect(() => DetectorSuite.create({ nisWindow: { probability: 2 } })).toThrow(InvalidDetectorConfigError);
  });

  test("the defaults are the documented ones", () => {
    expect(DEFAULT_SUITE_CONFIG.cusum.arl0).toBe(100_000);
    expect(DEFAULT_SUITE_CONFIG.pageHinkley.alpha).toBe(1);
    expect(DEFAULT_SUITE_CONFIG.nisWindow.probability).toBe(0.99999);
  });
});
