import { describe, expect, test } from "@jest/globals";
import { KalmanFilter } from "../../src/filters/kalman-filter.ts";
import { DirectMeasurement } from "../../src/models/builtin/direct-measurement.ts";
import { ModelParameterError } from "../../src/models/builtin/model-parameter-error.ts";
import { RandomWalk } from "../../src/models/builtin/random-walk.ts";
import { diag, runNeesExperiment } from "./nees-experiment.ts";
import { reportNees } from "./report-nees.ts";

describe("RandomWalk", () => {
  test("Q = q·dt·I and f = identity", () => {
    const m = new RandomWalk({ stateNames: ["a", "b"], q: 0.4 });
    const Q = new Float64Array(4);
    m.Q(2.5, Q);
    expect(Array.from(Q)).toEqual([1, 0, 0, 1]);
    const out = new Float64Array(2);
    m.f(Float64Array.of(3, -4), 10, new Float64Array(0), out);
    expect(Array.from(out)).toEqual([3, -4]);
  });

  test("DirectMeasurement rejects unknown state names and non-positive noise", () => {
    expect(() => new DirectMeasurement({ stateNames: ["a"], measured: ["b"], noiseStd: 1 })).toThrow(
      ModelParameterError,
    );
    expect(() => new DirectMeasurement({ stateNames: ["a"], measured: ["a"], noiseStd: 0 })).toThrow(
      ModelParameterError,
    );
  });

  test("KF on a 3-D random walk, two of three components read directly, is NEES-consistent (M=40 × 150)", () => {
    const transition = new RandomWalk({ stateNames: ["bias_a", "bias_b", "bias_c"], q: 0.02 });
    const sensor = new DirectMeasurement({
      stateNames: transition.stateNames,
      measured: ["bias_a", "bias_c"],
      noiseStd: [0.1, 0.3],
    });
    const r = runNeesExperiment({
      transition,
      sensors: { sensor },
      makeFilter: (x0, P0, t0) => new KalmanFilter({ transition, sensors: { sensor: { model: sensor } }, x0, P0, t0 }),
      x0: new Float64Array(3),
      P0: diag(1, 1, 1),
      dt: 1,
      steps: 150,
      runs: 40,
      seed: 301,
    });
    reportNees("random_walk_3 (KF, direct 2 of 3)", r);
    expect(r.averageNees).toBeGreaterThan(r.lower);
    expect(r.averageNees).toBeLessThan(r.upper);
  });
});
