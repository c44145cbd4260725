import { describe, expect, test } from "@jest/globals";
import { KalmanFilter } from "../../src/filters/kalman-filter.ts";
import { DirectMeasurement } from "../../src/models/builtin/direct-measurement.ts";
import { LinearDegradation } from "../../src/models/builtin/linear-degradation.ts";
import { ModelParameterError } from "../../src/models/builtin/model-parameter-error.ts";
import { diag, runNeesExperiment } from "./nees-experiment.ts";
import { reportNees } from "./report-nees.ts";

describe("LinearDegradation", () => {
  test("health falls by rate·dt and Q follows the integrated white-noise rate", () => {
    const m = new LinearDegradation({ qHealth: 1e-4, qRate: 1e-6 });
    const out = new Float64Array(2);
    m.f(Float64Array.of(100, -0.5), 4, new Float64Array(0), out);
    expect(Array.from(out)).toEqual([98, -0.5]);
    const Q = new Float64Array(4);
    m.Q(4, Q);
    expect(Q[0]).toBeCloseTo(4e-4 + (1e-6 * 64) / 3, 15);
    expect(Q[1]).toBeCloseTo(8e-6, 15);
    expect(Q[3]).toBeCloseTo(4e-6, 15);
  });

  test("rejects negative noise densities", () => {
    expect(() => new LinearDegradation({ qHealth: -1, qRate: 0 })).toThrow(ModelParameterError);
  });

  test("KF estimating the unknown rate from health readings is NEES-consistent (M=40 × 200)", () => {
    const transition = new LinearDegradation({ qHealth: 0.01, qRate: 1e-5 });
    const health = new DirectMeasurement({ stateNames: transition.stateNames, measured: ["health"], noiseStd: 0.5 });
    const r = runNeesExperiment({
      transition,
      sensors: { health },
      makeFilter: (x0, P0, t0) => new KalmanFilter({ transition, sensors: { health: { model: health } }, x0, P0, t0 }),
      x0: Float64Array.of(100, -0.05),
      P0: diag(1, 0.02 ** 2),
      dt: 1,
      steps: 200,
      runs: 40,
      seed: 801,
    });
    reportNees("linear_degradation (KF, health)", r);
    expect(r.averageNees).toBeGreaterThan(r.lower);
    expect(r.averageNees).toBeLessThan(r.upper);
  });
});
