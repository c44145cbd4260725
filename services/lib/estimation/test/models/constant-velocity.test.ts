import { describe, expect, test } from "@jest/globals";
import { KalmanFilter } from "../../src/filters/kalman-filter.ts";
import { ConstantVelocity } from "../../src/models/builtin/constant-velocity.ts";
import { LinearMeasurement } from "../../src/models/builtin/linear-measurement.ts";
import { ModelParameterError } from "../../src/models/builtin/model-parameter-error.ts";
import { PositionSelector } from "../../src/models/builtin/position-selector.ts";
import { diag, runNeesExperiment } from "./nees-experiment.ts";
import { reportNees } from "./report-nees.ts";

describe("ConstantVelocity", () => {
  test("state layout is interleaved per axis like FilterPy", () => {
    expect(new ConstantVelocity({ dimensions: 1, q: 1 }).stateNames).toEqual(["x", "vx"]);
    expect(new ConstantVelocity({ dimensions: 2, q: 1 }).stateNames).toEqual(["x", "vx", "y", "vy"]);
    expect(new ConstantVelocity({ dimensions: 3, q: 1 }).stateNames).toEqual(["x", "vx", "y", "vy", "z", "vz"]);
  });

  test("Q is FilterPy's Q_discrete_white_noise(dim=2, dt, var=q) per axis block", () => {
    const m = new ConstantVelocity({ dimensions: 2, q: 0.5 });
    const Q = new Float64Array(16);
    m.Q(0.1, Q);
    // FilterPy: Q_discrete_white_noise(2, dt=0.1, var=0.5) = [[1.25e-5, 2.5e-4], [2.5e-4, 5e-3]]
    const block = [1.25e-5, 2.5e-4, 2.5e-4, 5e-3];
    for (const [r, c, v] of [
      [0, 0, block[0]],
      [0, 1, block[1]],
      [1, 0, block[2]],
      [1, 1, block[3]],
    ]) {
      expect(Q[r * 4 + c]).toBeCloseTo(v, 15);
      expect(Q[(r + 2) * 4 + c + 2]).toBeCloseTo(v, 15);
      expect(Q[r * 4 + c + 2]).toBe(0);
    }
  });

  test("f moves positions by v·dt", () => {
    const m = new ConstantVelocity({ dimensions: 3, q: 1 });
    const out = new Float64Array(6);
    m.f(Float64Array.of(1, 2, 3, -1, 5, 0.5), 0.5, new Float64Array(0), out);
    expect(Array.from(out)).toEqual([2, 2, 2.5, -1, 5.25, 0.5]);
  });

  test("rejects a negative q and unknown overrides with ModelParameterError", () => {
    expect(() => new ConstantVelocity({ dimensions: 2, q: -1 })).toThrow(ModelParameterError);
    const m = new ConstantVelocity({ dimensions: 2, q: 1 });
    try {
      m.withParameters({ sigma: 2 });
      throw new Error("expected a ModelParameterError");
    } catch (err) {
      expect(err).toBeInstanceOf(ModelParameterError);
      expect((err as ModelParameterError).code).toBe("MODEL_PARAMETER");
      expect((err as ModelParameterError).parameter).toBe("sigma");
    }
    expect(m.withParameters({ q: 3 }).parameters.q).toBe(3);
  });

  for (const dimensions of [1, 2, 3] as const) {
    test(`KF on ${dimensions}-D constant velocity is NEES-consistent (M=40 runs × 150 steps)`, () => {
      const transition = new ConstantVelocity({ dimensions, q: 0.3 });
      const gps = new PositionSelector({ model: transition, noiseStd: 0.8 });
      const n = transition.dimX;
      const r = runNeesExperiment({
        transition,
        sensors: { gps },
        makeFilter: (x0, P0, t0) => new KalmanFilter({ transition, sensors: { gps: { model: gps } }, x0, P0, t0 }),
        x0: new Float64Array(n),
        P0: diag(...Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 4 : 1))),
        dt: 0.2,
        steps: 150,
        runs: 40,
        seed: 100 + dimensions,
      });
      reportNees(`constant_velocity_${dimensions}d (KF, position)`, r);
      expect(r.averageNees).toBeGreaterThan(r.lower);
      expect(r.averageNees).toBeLessThan(r.upper);
      expect(r.fractionInside).toBeGreaterThan(0.85);
    });
  }

  test("KF with a general LinearMeasurement (x + y and vx) is NEES-consistent", () => {
    const transition = new ConstantVelocity({ dimensions: 2, q: 0.3 });
    const mix = new LinearMeasurement({
      H: [
        [1, 0, 1, 0],
        [0, 1, 0, 0],
        [1, 0, -1, 0],
      ],
      measurementNames: ["sum", "vx", "diff"],
      noiseStd: [0.5, 0.2, 0.5],
    });
    const r = runNeesExperiment({
      transition,
      sensors: { mix },
      makeFilter: (x0, P0, t0) => new KalmanFilter({ transition, sensors: { mix: { model: mix } }, x0, P0, t0 }),
      x0: new Float64Array(4),
      P0: diag(4, 1, 4, 1),
      dt: 0.2,
      steps: 150,
      runs: 40,
      seed: 7,
    });
    reportNees("constant_velocity_2d (KF, linear H 3×4)", r);
    expect(r.averageNees).toBeGreaterThan(r.lower);
    expect(r.averageNees).toBeLessThan(r.upper);
  });
});
