import { describe, expect, test } from "@jest/globals";
import { ExtendedKalmanFilter } from "../../src/filters/extended-kalman-filter.ts";
import { MerweScaledSigmaPoints } from "../../src/filters/sigma-points.ts";
import { UnscentedKalmanFilter } from "../../src/filters/unscented-kalman-filter.ts";
import { DampedPendulum } from "../../src/models/builtin/damped-pendulum.ts";
import { DirectMeasurement } from "../../src/models/builtin/direct-measurement.ts";
import { ModelParameterError } from "../../src/models/builtin/model-parameter-error.ts";
import { diag, runNeesExperiment } from "./nees-experiment.ts";
import { reportNees } from "./report-nees.ts";

describe("DampedPendulum", () => {
  const params = { g: 9.81, L: 1.5, c: 0.2, q: 0.02 };

  test("RK4 substeps converge to the true solution (small-angle undamped period 2π√(L/g))", () => {
    const m = new DampedPendulum({ ...params, c: 0, q: 0, substeps: 20 });
    const period = 2 * Math.PI * Math.sqrt(1.5 / 9.81);
    let x = Float64Array.of(1e-3, 0);
    const out = new Float64Array(2);
    for (let i = 0; i < 100; i++) {
      m.f(x, period / 100, new Float64Array(0), out);
      x = Float64Array.from(out);
    }
    expect(x[0]).toBeCloseTo(1e-3, 8);
    expect(x[1]).toBeCloseTo(0, 7);
  });

  test("damping dissipates energy over a long step cut into substeps of at most maxStep", () => {
    const m = new DampedPendulum({ ...params, q: 0, maxStep: 0.05 });
    const out = new Float64Array(2);
    m.f(Float64Array.of(1, 0), 20, new Float64Array(0), out);
    const energy = (x: Float64Array) => 0.5 * x[1] * x[1] + (9.81 / 1.5) * (1 - Math.cos(x[0]));
    expect(energy(out)).toBeLessThan(energy(Float64Array.of(1, 0)));
  });

  test("rejects a zero length and a negative damping", () => {
    expect(() => new DampedPendulum({ ...params, L: 0 })).toThrow(ModelParameterError);
    expect(() => new DampedPendulum(params).withParameters({ c: -0.1 })).toThrow(ModelParameterError);
    expect(() => new DampedPendulum({ ...params, substeps: 2.5 })).toThrow(ModelParameterError);
    expect(() => new DampedPendulum({ ...params, maxStep: 0 })).toThrow(ModelParameterError);
  });

  const experiment = (makeFilter: Parameters<typeof runNeesExperiment>[0]["makeFilter"], seed: number) => {
    const transition = new DampedPendulum(params);
    const encoder = new DirectMeasurement({
      stateNames: transition.stateNames,
      measured: ["theta"],
      noiseStd: 0.02,
      angular: ["theta"],
    });
    return {
      transition,
      encoder,
      result: runNeesExperiment({
        transition,
        sensors: { encoder },
        makeFilter,
        x0: Float64Array.of(0.8, 0),
        P0: diag(0.05 ** 2, 0.1 ** 2),
        dt: 0.05,
        steps: 150,
        runs: 40,
        seed,
        angularStates: [0],
      }),
    };
  };

  test("EKF with an angle encoder is NEES-consistent (M=40 × 150)", () => {
    const transition = new DampedPendulum(params);
    const { result } = experiment((x0, P0, t0) => {
      const encoder = new DirectMeasurement({
        stateNames: transition.stateNames,
        measured: ["theta"],
        noiseStd: 0.02,
        angular: ["theta"],
      });
      return new ExtendedKalmanFilter({ transition, sensors: { encoder: { model: encoder } }, x0, P0, t0 });
    }, 601);
    reportNees("damped_pendulum (EKF, angle encoder)", result);
    expect(result.averageNees).toBeGreaterThan(result.lower);
    expect(result.averageNees).toBeLessThan(result.upper);
  });

  test("UKF (Merwe sigma points) with an angle encoder is NEES-consistent (M=40 × 150)", () => {
    const transition = new DampedPendulum(params);
    const { result } = experiment((x0, P0, t0) => {
      const encoder = new DirectMeasurement({
        stateNames: transition.stateNames,
        measured: ["theta"],
        noiseStd: 0.02,
        angular: ["theta"],
      });
      return new UnscentedKalmanFilter({
        transition,
        sensors: { encoder: { model: encoder } },
        x0,
        P0,
        t0,
        sigmaPoints: new MerweScaledSigmaPoints(2, 0.5, 2, 1),
      });
    }, 602);
    reportNees("damped_pendulum (UKF Merwe, angle encoder)", result);
    expect(result.averageNees).toBeGreaterThan(result.lower);
    expect(result.averageNees).toBeLessThan(result.upper);
  });
});
