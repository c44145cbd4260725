import { describe, expect, test } from "@jest/globals";
import { evaluateScenario } from "../src/eval/evaluate-scenario.ts";
import { MAJOR_FAULTS } from "../src/eval/fault-scenario.ts";
import { RandomWalkKalmanFilter } from "../src/eval/random-walk-kalman-filter.ts";
import { SeededRandom } from "../src/eval/seeded-random.ts";

// Reduced-seed version of `run-eval.ts`: the default suite must meet the targets on fewer runs.
describe("evaluation targets with the default detector suite (reduced seeds)", () => {
  test("≤ 1 false alarm per 10 000 readings on clean streams", () => {
    const r = evaluateScenario({ scenario: "clean", runs: 20, seed: 7, readingsPerRun: 5000 });
    expect(r.false_alarms_per_10k).toBeLessThanOrEqual(1);
    expect(r.median_delay).toBeNull();
  });

  test.each(MAJOR_FAULTS)("≥ 90 %% detection of %s", (scenario) => {
    const r = evaluateScenario({ scenario, runs: 30, seed: 11, readingsPerRun: 700, onset: 500 });
    expect(r.detection_rate).toBeGreaterThanOrEqual(0.9);
    expect(r.median_delay).not.toBeNull();
    expect(r.p95_delay!).toBeGreaterThanOrEqual(r.median_delay!);
  });

  test("evaluation is deterministic for a seed and differs across seeds", () => {
    const a = evaluateScenario({ scenario: "slow_ramp", runs: 5, seed: 3, readingsPerRun: 800, onset: 200 });
    const b = evaluateScenario({ scenario: "slow_ramp", runs: 5, seed: 3, readingsPerRun: 800, onset: 200 });
    const c = evaluateScenario({ scenario: "slow_ramp", runs: 5, seed: 4, readingsPerRun: 800, onset: 200 });
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });
});

describe("simulation pieces", () => {
  test("the random-walk filter's innovations are N(0, S) in steady state (mean NIS ≈ 1)", () => {
    const Q = 1e-3;
    const R = 1;
    const Pm = RandomWalkKalmanFilter.steadyStatePrior(Q, R);
    const rng = new SeededRandom(5);
    let x = 10;
    const kf = new RandomWalkKalmanFilter(Q, R, x + Math.sqrt(Pm - Q) * rng.normal(), Pm - Q);
    let sumNis = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      x += Math.sqrt(Q) * rng.normal();
      sumNis += kf.step(x + rng.normal()).nis;
    }
    // mean of 20 000 χ²₁ has standard error √(2/20 000) = 0.01
    expect(Math.abs(sumNis / n - 1)).toBeLessThan(0.04);
    expect(kf.P + Q).toBeCloseTo(Pm, 10);
  });

  test("seeded random numbers are reproducible and standard normal", () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    let s = 0;
    let s2 = 0;
    let mismatches = 0;
    for (let i = 0; i < 20_000; i++) {
      const v = a.normal();
      if (v !== b.normal()) mismatches++;
      s += v;
      s2 += v * v;
    }
    expect(mismatches).toBe(0);
    expect(Math.abs(s / 20_000)).toBeLessThan(0.03);
    expect(Math.abs(s2 / 20_000 - 1)).toBeLessThan(0.04);
  });
});
