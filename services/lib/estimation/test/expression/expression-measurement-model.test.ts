import { describe, expect, test } from "@jest/globals";
import { ExpressionError } from "../../src/expression/expression-error.ts";
import { ExpressionMeasurementModel } from "../../src/expression/expression-measurement-model.ts";
import { ExtendedKalmanFilter } from "../../src/filters/extended-kalman-filter.ts";
import { ConstantVelocity } from "../../src/models/builtin/constant-velocity.ts";
import { ModelParameterError } from "../../src/models/builtin/model-parameter-error.ts";
import { RangeBearing } from "../../src/models/builtin/range-bearing.ts";
import { finiteDifferenceJacobian, relativeError } from "../models/finite-difference.ts";
import { diag, runNeesExperiment } from "../models/nees-experiment.ts";
import { reportNees } from "../models/report-nees.ts";
import { SeededNormal } from "../models/seeded-normal.ts";

const RADAR = {
  name: "radar_expr",
  state: ["x", "vx", "y", "vy"],
  measurements: [
    { name: "range", expr: "sqrt(x^2 + y^2)", noiseStd: 0.5 },
    { name: "bearing", expr: "atan2(y, x)", noiseStd: 0.005, angular: true },
  ],
};
const none = new Float64Array(0);

describe("ExpressionMeasurementModel", () => {
  test("range and bearing by expressions match the built-in RangeBearing (h, H, R, residual)", () => {
    const expr = new ExpressionMeasurementModel(RADAR);
    const builtin = new RangeBearing({ dimX: 4, rangeStd: 0.5, bearingStd: 0.005 });
    const rng = new SeededNormal(3);
    for (let i = 0; i < 40; i++) {
      const x = Float64Array.from({ length: 4 }, () => -50 + 100 * rng.uniform());
      const [a, b, Ha, Hb] = [new Float64Array(2), new Float64Array(2), new Float64Array(8), new Float64Array(8)];
      expr.h(x, none, a);
      builtin.h(x, none, b);
      expr.jacobian(x, none, Ha);
      builtin.jacobian(x, none, Hb);
      expect(relativeError(a, b)).toBeLessThan(1e-12);
      expect(relativeError(Ha, Hb)).toBeLessThan(1e-12);
      const fd = finiteDifferenceJacobian((xx, out) => expr.h(xx, none, out), x, 2);
      expect(relativeError(Ha, fd)).toBeLessThan(1e-6);
    }
    const [Ra, Rb] = [new Float64Array(4), new Float64Array(4)];
    expr.R(Ra);
    builtin.R(Rb);
    expect(Array.from(Ra)).toEqual(Array.from(Rb));
    const res = new Float64Array(2);
    expr.residual(Float64Array.of(1, 3.1), Float64Array.of(0, -3.1), res);
    expect(res[1]).toBeCloseTo(6.2 - 2 * Math.PI, 12);
    expect(expr.linear).toBe(false);
  });

  test("linearity: H·x is linear, an offset or an input term is not", () => {
    const make = (expr: string) =>
      new ExpressionMeasurementModel({
        state: ["a", "b"],
        inputs: ["i"],
        parameters: { k: 2 },
        measurements: [{ name: "z", expr, noiseStd: 1 }],
      });
    expect(make("k * a - b / 4").linear).toBe(true);
    expect(make("k * a + 1").linear).toBe(false);
    expect(make("a - k * i").linear).toBe(false);
    expect(make("a * b").linear).toBe(false);
  });

  test("inputs reach h (a battery-like sensor V = ocv0 + k·soc − v1 − R0·I)", () => {
    const m = new ExpressionMeasurementModel({
      state: ["soc", "v1"],
      inputs: ["I"],
      parameters: { ocv0: 3.2, k: 0.9, R0: 0.02 },
      measurements: [{ name: "V", expr: "ocv0 + k*soc - v1 - R0*I", noiseStd: 0.01 }],
    });
    const z = new Float64Array(1);
    m.h(Float64Array.of(0.5, 0.01), Float64Array.of(3), z);
    expect(z[0]).toBeCloseTo(3.2 + 0.45 - 0.01 - 0.06, 14);
    const H = new Float64Array(2);
    m.jacobian(Float64Array.of(0.5, 0.01), Float64Array.of(3), H);
    expect(Array.from(H)).toEqual([0.9, -1]);
    const m2 = m.withParameters({ "noiseStd.V": 0.1, R0: 0 });
    m2.h(Float64Array.of(0.5, 0.01), Float64Array.of(3), z);
    expect(z[0]).toBeCloseTo(3.2 + 0.45 - 0.01, 14);
    const R = new Float64Array(1);
    m2.R(R);
    expect(R[0]).toBeCloseTo(0.01, 15);
    expect(() => m.withParameters({ "noiseStd.W": 1 })).toThrow(ModelParameterError);
  });

  test("errors: bad expression text, zero noise", () => {
    expect(
      () =>
        new ExpressionMeasurementModel({
          ...RADAR,
          measurements: [{ name: "r", expr: "sqrt(x^2 + z^2)", noiseStd: 1 }],
        }),
    ).toThrow(ExpressionError);
    expect(
      () => new ExpressionMeasurementModel({ ...RADAR, measurements: [{ name: "r", expr: "x", noiseStd: 0 }] }),
    ).toThrow(ModelParameterError);
  });

  test("EKF with the expression radar is NEES-consistent (M=40 × 150)", () => {
    const transition = new ConstantVelocity({ dimensions: 2, q: 0.1 });
    const radar = new ExpressionMeasurementModel(RADAR);
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
      seed: 1101,
    });
    reportNees("range/bearing by expressions (EKF)", r);
    expect(r.averageNees).toBeGreaterThan(r.lower);
    expect(r.averageNees).toBeLessThan(r.upper);
  });
});
