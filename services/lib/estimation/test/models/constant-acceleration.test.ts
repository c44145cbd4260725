import { describe, expect, test } from "@jest/globals";
import { KalmanFilter } from "../../src/filters/kalman-filter.ts";
import { ConstantAcceleration } from "../../src/models/builtin/constant-acceleration.ts";
import { ModelParameterError } from "../../src/models/builtin/model-parameter-error.ts";
import { PositionSelector } from "../../src/models/builtin/position-selector.ts";
import { diag, runNeesExperiment } from "./nees-experiment.ts";
import { reportNees } from "./report-nees.ts";

describe("ConstantAcceleration", () => {
  test("F integrates acceleration exactly: x + v·dt + a·dt²/2", () => {
    const m = new ConstantAcceleration({ dimensions: 1, q: 1 });
    const out = new Float64Array(3);
    m.f(Float64Array.of(1, 2, 4), 0.5, new Float64Array(0), out);
    expect(Array.from(out)).toEqual([1 + 1 + 0.5, 4, 4]);
    expect(new ConstantAcceleration({ dimensions: 2, q: 1 }).stateNames).toEqual(["x", "vx", "ax", "y", "vy", "ay"]);
  });

  test("Q is FilterPy's Q_discrete_white_noise(dim=3) = q·Γ·Γᵀ", () => {
    const Q = new Float64Array(9);
    new ConstantAcceleration({ dimensions: 1, q: 2 }).Q(0.5, Q);
    const g = [0.125, 0.5, 1];
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) expect(Q[r * 3 + c]).toBeCloseTo(2 * g[r] * g[c], 15);
  });

  test("rejects a non-finite q", () => {
    expect(() => new ConstantAcceleration({ dimensions: 1, q: Number.NaN })).toThrow(ModelParameterError);
  });

  for (const dimensions of [1, 2] as const) {
    test(`KF on ${dimensions}-D constant acceleration is NEES-consistent (M=40 × 150)`, () => {
      const transition = new ConstantAcceleration({ dimensions, q: 0.05 });
      const gps = new PositionSelector({ model: transition, noiseStd: 0.5 });
      const n = transition.dimX;
      const r = runNeesExperiment({
        transition,
        sensors: { gps },
        makeFilter: (x0, P0, t0) => new KalmanFilter({ transition, sensors: { gps: { model: gps } }, x0, P0, t0 }),
        x0: new Float64Array(n),
        P0: diag(...Array.from({ length: n }, (_, i) => [2, 1, 0.5][i % 3])),
        dt: 0.2,
        steps: 150,
        runs: 40,
        seed: 200 + dimensions,
      });
      reportNees(`constant_acceleration_${dimensions}d (KF, position)`, r);
      expect(r.averageNees).toBeGreaterThan(r.lower);
      expect(r.averageNees).toBeLessThan(r.upper);
      expect(r.fractionInside).toBeGreaterThan(0.85);
    });
  }
});
