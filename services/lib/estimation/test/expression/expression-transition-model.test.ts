import { describe, expect, test } from "@jest/globals";
import { ExpressionError } from "../../src/expression/expression-error.ts";
import { ExpressionTransitionModel } from "../../src/expression/expression-transition-model.ts";
import { ModelDeclarationError } from "../../src/expression/model-declaration-error.ts";
import { ExtendedKalmanFilter } from "../../src/filters/extended-kalman-filter.ts";
import { KalmanFilter } from "../../src/filters/kalman-filter.ts";
import { DampedPendulum } from "../../src/models/builtin/damped-pendulum.ts";
import { DirectMeasurement } from "../../src/models/builtin/direct-measurement.ts";
import { FirstOrderThermal } from "../../src/models/builtin/first-order-thermal.ts";
import { ModelParameterError } from "../../src/models/builtin/model-parameter-error.ts";
import { finiteDifferenceJacobian, relativeError } from "../models/finite-difference.ts";
import { diag, runNeesExperiment } from "../models/nees-experiment.ts";
import { reportNees } from "../models/report-nees.ts";
import { SeededNormal } from "../models/seeded-normal.ts";

/** The damped pendulum declared by expressions — the declaration the ekf_pendulum_expr benchmark uses. */
const PENDULUM = {
  name: "pendulum_expr",
  state: [
    { name: "theta", unit: "rad" },
    { name: "omega", unit: "rad/s" },
  ],
  parameters: { g: 9.81, L: 1.5, c: 0.2 },
  dynamics: { theta: "omega", omega: "-(g / L) * sin(theta) - c * omega" },
  discretization: { method: "rk4" as const, substeps: 4 },
  processNoise: { omega: 0.02 },
};

const none = new Float64Array(0);

describe("ExpressionTransitionModel", () => {
  test("the expression pendulum matches the built-in DampedPendulum (f and Jacobian) at random points", () => {
    const expr = new ExpressionTransitionModel(PENDULUM);
    const builtin = new DampedPendulum({ g: 9.81, L: 1.5, c: 0.2, q: 0.02 });
    const rng = new SeededNormal(5);
    for (let i = 0; i < 50; i++) {
      const x = Float64Array.of(-3 + 6 * rng.uniform(), -4 + 8 * rng.uniform());
      const dt = 0.01 + 0.2 * rng.uniform();
      const [a, b, Ja, Jb] = [new Float64Array(2), new Float64Array(2), new Float64Array(4), new Float64Array(4)];
      expr.f(x, dt, none, a);
      builtin.f(x, dt, none, b);
      expr.jacobian(x, dt, none, Ja);
      builtin.jacobian(x, dt, none, Jb);
      expect(relativeError(a, b)).toBeLessThan(1e-12);
      expect(relativeError(Ja, Jb)).toBeLessThan(1e-12);
    }
    expect(expr.linear).toBe(false);
    expect(expr.describeJacobian()).toEqual([
      ["0", "1"],
      ["-(g / L * cos(theta))", "-c"],
    ]);
  });

  for (const method of ["euler", "rk4"] as const) {
    test(`discrete Jacobian (chain rule through ${method} substeps) matches finite differences`, () => {
      const model = new ExpressionTransitionModel({
        state: [{ name: "a" }, { name: "b" }, { name: "c" }],
        inputs: [{ name: "f" }],
        parameters: { k: 0.7, s: 10, r: 28, beta: 2.6667 },
        dynamics: { a: "s * (b - a) + f", b: "a * (r - c) - b", c: "a * b - beta * c + k * sin(a)" },
        discretization: { method, substeps: 5 },
      });
      const rng = new SeededNormal(method.length);
      const u = Float64Array.of(0.3);
      let worst = 0;
      for (let i = 0; i < 25; i++) {
        const x = Float64Array.from({ length: 3 }, () => -5 + 10 * rng.uniform());
        const J = new Float64Array(9);
        model.jacobian(x, 0.01, u, J);
        const fd = finiteDifferenceJacobian((xx, out) => model.f(xx, 0.01, u, out), x, 3);
        worst = Math.max(worst, relativeError(J, fd));
      }
      expect(worst).toBeLessThan(1e-6);
    });
  }

  test("a linear declaration is detected as linear and a KF runs it like the built-in RC model", () => {
    const declared = new ExpressionTransitionModel({
      state: [{ name: "T", unit: "degC" }],
      inputs: [{ name: "P", unit: "W" }],
      parameters: { R: 0.5, C: 400, ambient: 20 },
      dynamics: { T: "(ambient - T) / (R * C) + P / C" },
      discretization: { method: "rk4", substeps: 4 },
      processNoise: { T: 0.002 },
    });
    expect(declared.linear).toBe(true);
    const builtin = new FirstOrderThermal({ R: 0.5, C: 400, ambient: 20, q: 0.002 });
    const [a, b] = [new Float64Array(1), new Float64Array(1)];
    declared.f(Float64Array.of(60), 5, Float64Array.of(30), a);
    builtin.f(Float64Array.of(60), 5, Float64Array.of(30), b);
    expect(a[0]).toBeCloseTo(b[0], 9); // RK4 with 4 substeps vs the exact exponential
    const sensor = new DirectMeasurement({ stateNames: ["T"], measured: ["T"], noiseStd: 0.3 });
    expect(
      () =>
        new KalmanFilter({
          transition: declared,
          sensors: { t: { model: sensor } },
          x0: Float64Array.of(20),
          P0: diag(1),
          t0: 0,
        }),
    ).not.toThrow();
  });

  test("Q = diag(q)·dt and withParameters replaces parameters and noise densities", () => {
    const m = new ExpressionTransitionModel(PENDULUM);
    const Q = new Float64Array(4);
    m.Q(0.5, Q);
    expect(Array.from(Q)).toEqual([0, 0, 0, 0.01]);
    expect(m.parameters).toEqual({ g: 9.81, L: 1.5, c: 0.2, "processNoise.theta": 0, "processNoise.omega": 0.02 });
    const longer = m.withParameters({ L: 3, "processNoise.theta": 1e-4 });
    expect(longer.parameters.L).toBe(3);
    longer.Q(1, Q);
    expect(Q[0]).toBe(1e-4);
    const [a, b] = [new Float64Array(2), new Float64Array(2)];
    longer.f(Float64Array.of(0.5, 0), 0.1, none, a);
    new DampedPendulum({ g: 9.81, L: 3, c: 0.2, q: 0.02 }).f(Float64Array.of(0.5, 0), 0.1, none, b);
    expect(relativeError(a, b)).toBeLessThan(1e-12);
    expect(() => m.withParameters({ mass: 1 })).toThrow(ModelParameterError);
    expect(() => m.withParameters({ "processNoise.omega": -1 })).toThrow(ModelParameterError);
    // The original is unchanged.
    expect(m.parameters.L).toBe(1.5);
  });

  test("declaration errors are typed and say where", () => {
    const base = PENDULUM;
    const declarationError = (decl: object, path: string) => {
      try {
        new ExpressionTransitionModel(decl as typeof PENDULUM);
      } catch (err) {
        expect(err).toBeInstanceOf(ModelDeclarationError);
        expect((err as ModelDeclarationError).path).toBe(path);
        return;
      }
      throw new Error("expected a ModelDeclarationError");
    };
    declarationError({ ...base, dynamics: { theta: "omega" } }, "dynamics.omega");
    declarationError({ ...base, dynamics: { ...base.dynamics, phi: "1" } }, "dynamics.phi");
    declarationError({ ...base, state: [{ name: "theta" }, { name: "theta" }] }, "state[1]");
    declarationError({ ...base, parameters: { g: 9.81, L: 1, c: 0.1, e: 2 } }, "parameters[3]");
    declarationError({ ...base, state: [{ name: "sin" }, { name: "omega" }] }, "state[0]");
    declarationError({ ...base, discretization: { method: "rk4", substeps: 0 } }, "discretization.substeps");
    declarationError({ ...base, processNoise: { phi: 1 } }, "processNoise.phi");
    try {
      new ExpressionTransitionModel({
        ...base,
        dynamics: { theta: "omega", omega: "-(g / L) * sin(theta) - c * omgea" },
      });
      throw new Error("expected an ExpressionError");
    } catch (err) {
      expect(err).toBeInstanceOf(ExpressionError);
      expect((err as ExpressionError).code).toBe("EXPR_UNKNOWN_IDENTIFIER");
      expect((err as ExpressionError).source).toBe("dynamics.omega");
      expect((err as ExpressionError).position.column).toBe(29);
    }
    expect(() => new ExpressionTransitionModel({ ...base, parameters: { g: Number.NaN, L: 1, c: 0 } })).toThrow(
      ModelParameterError,
    );
  });

  test("EKF on the expression pendulum is NEES-consistent (M=40 × 150)", () => {
    const transition = new ExpressionTransitionModel(PENDULUM);
    const encoder = new DirectMeasurement({
      stateNames: transition.stateNames,
      measured: ["theta"],
      noiseStd: 0.02,
      angular: ["theta"],
    });
    const r = runNeesExperiment({
      transition,
      sensors: { encoder },
      makeFilter: (x0, P0, t0) =>
        new ExtendedKalmanFilter({ transition, sensors: { encoder: { model: encoder } }, x0, P0, t0 }),
      x0: Float64Array.of(0.8, 0),
      P0: diag(0.05 ** 2, 0.1 ** 2),
      dt: 0.05,
      steps: 150,
      runs: 40,
      seed: 1001,
      angularStates: [0],
    });
    reportNees("pendulum by expressions (EKF, angle encoder)", r);
    expect(r.averageNees).toBeGreaterThan(r.lower);
    expect(r.averageNees).toBeLessThan(r.upper);
  });
});

describe("ExpressionTransitionModel with a process-noise matrix", () => {
  const DECLARED = {
    ...PENDULUM,
    parameters: { ...PENDULUM.parameters, q: 0.02 },
    processNoise: {
      matrix: [
        ["q * dt^3 / 3", "q * dt^2 / 2"],
        ["q * dt^2 / 2", "q * dt"],
      ],
    },
  };

  test("reproduces the built-in DampedPendulum's Q(dt) and follows withParameters", () => {
    const m = new ExpressionTransitionModel(DECLARED);
    const builtin = new DampedPendulum({ g: 9.81, L: 1.5, c: 0.2, q: 0.02 });
    const [Qa, Qb] = [new Float64Array(4), new Float64Array(4)];
    for (const dt of [0.01, 0.37, 2]) {
      m.Q(dt, Qa);
      builtin.Q(dt, Qb);
      expect(relativeError(Qa, Qb)).toBeLessThan(1e-15);
    }
    expect(Object.keys(m.parameters)).toEqual(["g", "L", "c", "q"]);
    m.withParameters({ q: 0.04 }).Q(1, Qa);
    expect(Qa[3]).toBeCloseTo(0.04, 15);
  });

  test("rejects an asymmetric or mis-sized matrix and a name clash with dt", () => {
    const bad =
      (processNoise: object, parameters: object = DECLARED.parameters) =>
      () =>
        new ExpressionTransitionModel({ ...DECLARED, parameters, processNoise } as typeof DECLARED);
    expect(
      bad({
        matrix: [
          ["q*dt", "q"],
          ["2*q", "q*dt"],
        ],
      }),
    ).toThrow(ModelDeclarationError);
    expect(bad({ matrix: [["q*dt"]] })).toThrow(ModelDeclarationError);
    expect(
      bad(
        {
          matrix: [
            ["q*dt", "0"],
            ["0", "dt"],
          ],
        },
        { ...DECLARED.parameters, dt: 1 },
      ),
    ).toThrow(ModelDeclarationError);
    expect(
      bad({
        matrix: [
          ["q*dt", "0"],
          ["0", "theta*dt"],
        ],
      }),
    ).toThrow(ExpressionError);
  });
});
