import { describe, expect, test } from "@jest/globals";
import { KalmanFilter } from "../../src/filters/kalman-filter.ts";
import { DirectMeasurement } from "../../src/models/builtin/direct-measurement.ts";
import { FirstOrderThermal } from "../../src/models/builtin/first-order-thermal.ts";
import { ModelParameterError } from "../../src/models/builtin/model-parameter-error.ts";
import { diag, runNeesExperiment } from "./nees-experiment.ts";
import { reportNees } from "./report-nees.ts";

describe("FirstOrderThermal", () => {
  const params = { R: 0.5, C: 400, ambient: 20, q: 0.002 };

  test("discretization is exact: many small steps equal one big step", () => {
    const m = new FirstOrderThermal(params);
    const u = Float64Array.of(30);
    const one = new Float64Array(1);
    m.f(Float64Array.of(60), 100, u, one);
    let x = Float64Array.of(60);
    const tmp = new Float64Array(1);
    for (let i = 0; i < 1000; i++) {
      m.f(x, 0.1, u, tmp);
      x = Float64Array.from(tmp);
    }
    expect(one[0]).toBeCloseTo(x[0], 10);
    // Analytic: T(t) = T∞ + (T0 − T∞)·e^{−t/τ}, T∞ = T_amb + R·P = 35, τ = 200 s.
    expect(one[0]).toBeCloseTo(35 + 25 * Math.exp(-0.5), 12);
  });

  test("Q is the Ornstein–Uhlenbeck variance q·τ/2·(1 − e^{−2dt/τ})", () => {
    const Q = new Float64Array(1);
    new FirstOrderThermal(params).Q(10, Q);
    expect(Q[0]).toBeCloseTo(0.002 * 100 * (1 - Math.exp(-0.1)), 14);
  });

  test("rejects non-positive R and C with the parameter named", () => {
    for (const bad of [{ R: 0 }, { C: -1 }]) {
      try {
        new FirstOrderThermal({ ...params, ...bad });
        throw new Error("expected ModelParameterError");
      } catch (err) {
        expect(err).toBeInstanceOf(ModelParameterError);
        expect((err as ModelParameterError).parameter).toBe(Object.keys(bad)[0]);
        expect((err as ModelParameterError).problem).toBe("not_positive");
      }
    }
    const hotter = new FirstOrderThermal(params).withParameters({ ambient: 30 });
    expect(hotter.parameters.ambient).toBe(30);
  });

  test("KF with a varying heat input and a thermometer is NEES-consistent (M=50 × 200)", () => {
    const transition = new FirstOrderThermal(params);
    const thermometer = new DirectMeasurement({ stateNames: ["T"], measured: ["T"], noiseStd: 0.3 });
    const inputs = Array.from({ length: 200 }, (_, k) => Float64Array.of(k % 60 < 30 ? 40 : 0));
    const r = runNeesExperiment({
      transition,
      sensors: { thermometer },
      makeFilter: (x0, P0, t0) =>
        new KalmanFilter({ transition, sensors: { thermometer: { model: thermometer } }, x0, P0, t0 }),
      x0: Float64Array.of(25),
      P0: diag(4),
      dt: 5,
      steps: 200,
      runs: 50,
      seed: 401,
      input: (k) => inputs[k],
    });
    reportNees("first_order_thermal (KF, thermometer, heat input)", r);
    expect(r.averageNees).toBeGreaterThan(r.lower);
    expect(r.averageNees).toBeLessThan(r.upper);
  });
});
