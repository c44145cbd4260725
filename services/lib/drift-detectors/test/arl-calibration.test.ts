import { describe, expect, test } from "@jest/globals";
import type { DetectorResult, ScalarSample } from "../src/detector.ts";
import { Cusum } from "../src/detectors/cusum.ts";
import { NoiseLevelDetector } from "../src/detectors/noise-level-detector.ts";
import { PageHinkley } from "../src/detectors/page-hinkley.ts";
import { SeededRandom } from "../src/eval/seeded-random.ts";

/** Mean run length to the first alarm on N(0, 1) samples, over `runs` seeded runs. */
function simulatedArl(make: () => { update(s: ScalarSample): DetectorResult | undefined }, runs: number, seed: number) {
  const rng = new SeededRandom(seed);
  let total = 0;
  for (let r = 0; r < runs; r++) {
    const d = make();
    let i = 0;
    while (d.update({ index: i, value: rng.normal() }) === undefined) i++;
    total += i + 1;
  }
  return total / runs;
}

describe("thresholds from a target ARL give that ARL in simulation", () => {
  // 400 runs: the standard error of the mean run length is ≈ ARL/√400 = 5 %, so ±25 % is a real check.
  test("two-sided CUSUM, k = 0.5, ARL0 = 500 (Siegmund)", () => {
    const arl = simulatedArl(() => new Cusum({ k: 0.5, arl0: 500 }), 400, 101);
    expect(arl).toBeGreaterThan(375);
    expect(arl).toBeLessThan(625);
  });

  test("Page-Hinkley (no forgetting, both sides), δ = 0.25, ARL0 = 500", () => {
    const arl = simulatedArl(() => new PageHinkley({ delta: 0.25, alpha: 1, arl0: 500, minInstances: 1 }), 400, 103);
    expect(arl).toBeGreaterThan(375);
    expect(arl).toBeLessThan(625);
  });

  test("noise-level CUSUM (both sides, Brook–Evans), ARL0 = 500", () => {
    const arl = simulatedArl(() => new NoiseLevelDetector({ arl0: 500 }), 400, 104);
    expect(arl).toBeGreaterThan(375);
    expect(arl).toBeLessThan(625);
  });
});
