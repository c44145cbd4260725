import { describe, expect, test } from "@jest/globals";
import { createTwinStream, evaluateScenario } from "../src/eval/evaluate-scenario.ts";
import { DEFAULT_TWIN, MAJOR_FAULTS, type ScenarioName } from "../src/eval/fault-scenario.ts";
import { SeededRandom } from "../src/eval/seeded-random.ts";
import type { EvalTwinName } from "../src/eval/twin-stream.ts";

const BUILTIN: readonly EvalTwinName[] = ["constant_velocity", "first_order_thermal"];

/**
 * Major faults each built-in twin meets the ≥ 90 % target on. The constant-velocity twin's +3σ bias step is
 * left out on purpose: its Kalman gain on position (≈ 0.2) re-reads a sensor bias as a position jump within a
 * few readings, so the bias is not observable from one position sensor (docs/DRIFT.md reports ~15 %).
 */
const MET: Readonly<Record<EvalTwinName, readonly ScenarioName[]>> = {
  random_walk: MAJOR_FAULTS,
  constant_velocity: MAJOR_FAULTS.filter((s) => s !== "bias_step_3sigma"),
  first_order_thermal: MAJOR_FAULTS,
};

// Reduced-seed version of `run-eval.ts --twin all` on the estimation library's built-in models.
describe.each(BUILTIN)("evaluation targets on the %s twin (reduced seeds)", (twinModel) => {
  test("≤ 1 false alarm per 10 000 readings on clean streams", () => {
    const r = evaluateScenario({ scenario: "clean", runs: 12, seed: 7, readingsPerRun: 5000, twinModel });
    expect(r.twin).toBe(twinModel);
    expect(r.false_alarms_per_10k).toBeLessThanOrEqual(1);
  });

  test.each(MET[twinModel])("≥ 90 %% detection of %s", (scenario) => {
    const r = evaluateScenario({ scenario, runs: 25, seed: 11, readingsPerRun: 1000, onset: 600, twinModel });
    expect(r.detection_rate).toBeGreaterThanOrEqual(0.9);
    expect(r.p95_delay!).toBeGreaterThanOrEqual(r.median_delay!);
  });

  test("the simulated world matches the filter's model: clean innovations are N(0, S) (mean NIS ≈ 1)", () => {
    const stream = createTwinStream(twinModel, new SeededRandom(5), DEFAULT_TWIN);
    const n = 12_000;
    let sumNis = 0;
    let sumZ = 0;
    for (let i = 0; i < n; i++) {
      const { y, S } = stream.step(undefined, 0);
      if (i >= 200) {
        sumNis += (y * y) / S;
        sumZ += y / Math.sqrt(S);
      }
    }
    const m = n - 200;
    // standard errors: √(2/m) ≈ 0.013 for the mean of χ²₁, √(1/m) ≈ 0.009 for the mean of z
    expect(Math.abs(sumNis / m - 1)).toBeLessThan(0.06);
    expect(Math.abs(sumZ / m)).toBeLessThan(0.045);
  });
});

describe("built-in twin faults", () => {
  test("a frozen thermal sensor is caught by the stuck-sensor detector alone", () => {
    const stuck = evaluateScenario({
      scenario: "stuck_sensor",
      runs: 5,
      seed: 1,
      readingsPerRun: 900,
      onset: 600,
      twinModel: "first_order_thermal",
      detectors: {
        cusum: false,
        pageHinkley: false,
        adwin: false,
        nisWindow: false,
        coverage: false,
        noiseLevel: false,
      },
    });
    expect(stuck.detection_rate).toBe(1);
    expect(stuck.first_detector).toEqual({ stuck_sensor: 5 });
  });
});
