import { describe, expect, test } from "@jest/globals";
import { KalmanFilter } from "../../src/filters/kalman-filter.ts";
import { ContinuousDiscretizer } from "../../src/models/builtin/continuous-discretizer.ts";
import { DampedOscillator } from "../../src/models/builtin/damped-oscillator.ts";
import { DirectMeasurement } from "../../src/models/builtin/direct-measurement.ts";
import { ModelParameterError } from "../../src/models/builtin/model-parameter-error.ts";
import { diag, runNeesExperiment } from "./nees-experiment.ts";
import { reportNees } from "./report-nees.ts";

describe("DampedOscillator", () => {
  const cases = [
    { label: "underdamped", k: 4, c: 0.4, m: 1 },
    { label: "critically damped", k: 4, c: 4, m: 1 },
    { label: "overdamped", k: 4, c: 10, m: 1 },
    { label: "free mass", k: 0, c: 0, m: 2 },
  ];

  for (const p of cases) {
    test(`closed-form e^{A·dt} matches fine RK4 integration (${p.label})`, () => {
      const model = new DampedOscillator({ ...p, q: 0 });
      const rk4 = new ContinuousDiscretizer(
        2,
        "rk4",
        2000,
        (x, _u, out) => {
          out[0] = x[1];
          out[1] = (-p.k * x[0] - p.c * x[1]) / p.m;
        },
        (_x, _u, out) => {
          out.set([0, 1, -p.k / p.m, -p.c / p.m]);
        },
      );
      const a = new Float64Array(2);
      const b = new Float64Array(2);
      const u = new Float64Array(0);
      model.f(Float64Array.of(1, -0.5), 1.3, u, a);
      rk4.step(Float64Array.of(1, -0.5), 1.3, u, b);
      expect(a[0]).toBeCloseTo(b[0], 11);
      expect(a[1]).toBeCloseTo(b[1], 11);
    });
  }

  test("Q of a free mass equals the double-integrator q·[[dt³/3, dt²/2], [dt²/2, dt]]", () => {
    const Q = new Float64Array(4);
    new DampedOscillator({ k: 0, c: 0, m: 1, q: 0.7 }).Q(0.4, Q);
    expect(Q[0]).toBeCloseTo((0.7 * 0.064) / 3, 14);
    expect(Q[1]).toBeCloseTo((0.7 * 0.16) / 2, 14);
    expect(Q[2]).toBe(Q[1]);
    expect(Q[3]).toBeCloseTo(0.7 * 0.4, 14);
  });

  test("rejects a zero mass", () => {
    expect(() => new DampedOscillator({ k: 1, c: 0, m: 0, q: 1 })).toThrow(ModelParameterError);
  });

  test("KF with a position sensor is NEES-consistent (M=40 × 200)", () => {
    const transition = new DampedOscillator({ k: 4, c: 0.4, m: 1, q: 0.05 });
    const position = new DirectMeasurement({ stateNames: transition.stateNames, measured: ["x"], noiseStd: 0.1 });
    const r = runNeesExperiment({
      transition,
      sensors: { position },
      makeFilter: (x0, P0, t0) =>
        new KalmanFilter({ transition, sensors: { position: { model: position } }, x0, P0, t0 }),
      x0: Float64Array.of(1, 0),
      P0: diag(0.1, 0.1),
      dt: 0.1,
      steps: 200,
      runs: 40,
      seed: 701,
    });
    reportNees("damped_oscillator (KF, position)", r);
    expect(r.averageNees).toBeGreaterThan(r.lower);
    expect(r.averageNees).toBeLessThan(r.upper);
  });
});
