import { describe, expect, test } from "@jest/globals";
import { ExtendedKalmanFilter } from "../../src/filters/extended-kalman-filter.ts";
import { ConstantVelocity } from "../../src/models/builtin/constant-velocity.ts";
import { ModelParameterError } from "../../src/models/builtin/model-parameter-error.ts";
import { RangeBearing } from "../../src/models/builtin/range-bearing.ts";
import { wrapAngle } from "../../src/models/builtin/wrap-angle.ts";
import { diag, runNeesExperiment } from "./nees-experiment.ts";
import { reportNees } from "./report-nees.ts";

describe("RangeBearing", () => {
  test("h gives range and atan2 bearing from the origin", () => {
    const m = new RangeBearing({ dimX: 4, rangeStd: 1, bearingStd: 0.01 });
    const z = new Float64Array(2);
    m.h(Float64Array.of(-3, 0, 4, 0), new Float64Array(0), z);
    expect(z[0]).toBe(5);
    expect(z[1]).toBeCloseTo(Math.atan2(4, -3), 15);
  });

  test("the bearing residual wraps across ±π (floored modulo into [−π, π))", () => {
    const m = new RangeBearing({ dimX: 4, rangeStd: 1, bearingStd: 0.01 });
    const out = new Float64Array(2);
    m.residual(Float64Array.of(10, Math.PI - 0.01), Float64Array.of(9, -Math.PI + 0.01), out);
    expect(out[0]).toBe(1);
    expect(out[1]).toBeCloseTo(-0.02, 12);
    expect(wrapAngle(Math.PI)).toBeCloseTo(-Math.PI, 15);
    expect(wrapAngle(-Math.PI)).toBeCloseTo(-Math.PI, 15);
    for (const a of [-1e-20, 7 * Math.PI, -7 * Math.PI, 1e6]) {
      const w = wrapAngle(a);
      expect(w).toBeGreaterThanOrEqual(-Math.PI);
      expect(w).toBeLessThan(Math.PI);
    }
  });

  test("rejects a zero bearing noise and a position index outside the state", () => {
    expect(() => new RangeBearing({ dimX: 4, rangeStd: 1, bearingStd: 0 })).toThrow(ModelParameterError);
    expect(() => new RangeBearing({ dimX: 2, rangeStd: 1, bearingStd: 1 })).toThrow(ModelParameterError);
  });

  test("EKF tracking a 2-D constant-velocity target by range and bearing is NEES-consistent (M=40 × 150)", () => {
    const transition = new ConstantVelocity({ dimensions: 2, q: 0.1 });
    const radar = new RangeBearing({ dimX: 4, rangeStd: 0.5, bearingStd: 0.005 });
    const r = runNeesExperiment({
      transition,
      sensors: { radar },
      makeFilter: (x0, P0, t0) =>
        new ExtendedKalmanFilter({ transition, sensors: { radar: { model: radar } }, x0, P0, t0 }),
      x0: Float64Array.of(100, -2, 50, 1),
      P0: diag(1, 0.25, 1, 0.25),
      dt: 0.5,
      steps: 150,
      runs: 40,
      seed: 901,
    });
    reportNees("constant_velocity_2d + range_bearing (EKF)", r);
    expect(r.averageNees).toBeGreaterThan(r.lower);
    expect(r.averageNees).toBeLessThan(r.upper);
  });
});
