import { describe, expect, test } from "@jest/globals";
import { compileDiscreteStep } from "../../src/expression/compile-discrete-step.ts";
import { compileExpressions } from "../../src/expression/compile-expressions.ts";
import { differentiateExpression } from "../../src/expression/differentiate-expression.ts";
import { ExpressionTransitionModel } from "../../src/expression/expression-transition-model.ts";
import { parseExpression } from "../../src/expression/parse-expression.ts";
import { simplifyExpression } from "../../src/expression/simplify-expression.ts";
import { ContinuousDiscretizer } from "../../src/models/builtin/continuous-discretizer.ts";
import { relativeError } from "../models/finite-difference.ts";
import { SeededNormal } from "../models/seeded-normal.ts";

const layout = { state: ["a", "b", "c"], inputs: ["f"], parameters: ["k", "s"] };
const TEXT = ["s * (b - a) + f", "a * (k - c) - b + sin(a) * 0", "a * b - c / 3 + exp(-c^2)"];

describe("compileDiscreteStep (specialized unrolled kernel)", () => {
  for (const [method, substeps, maxStep] of [
    ["rk4", 3, Number.POSITIVE_INFINITY],
    ["euler", 5, Number.POSITIVE_INFINITY],
    ["rk4", 1, 0.004],
  ] as const) {
    test(`equals the generic ContinuousDiscretizer (${method}, ${substeps} substeps, maxStep ${maxStep})`, () => {
      const ids = new Set([...layout.state, ...layout.inputs, ...layout.parameters]);
      const g = TEXT.map((t) => simplifyExpression(parseExpression(t, { identifiers: ids })));
      const G = g.flatMap((e) => layout.state.map((v) => differentiateExpression(e, v)));
      const kernel = compileDiscreteStep(g, G, layout, { method, substeps, maxStep });
      const gf = compileExpressions(g, layout);
      const Gf = compileExpressions(G, layout);
      const p = Float64Array.of(28, 10);
      const generic = new ContinuousDiscretizer(
        3,
        method,
        substeps,
        (x, u, out) => gf(x, u, p, out),
        (x, u, out) => Gf(x, u, p, out),
        maxStep,
      );
      const rng = new SeededNormal(substeps);
      for (let i = 0; i < 20; i++) {
        const x = Float64Array.from({ length: 3 }, () => -3 + 6 * rng.uniform());
        const u = Float64Array.of(rng.normal());
        const [a, b, Fa, Fb, c] = [
          new Float64Array(3),
          new Float64Array(3),
          new Float64Array(9),
          new Float64Array(9),
          new Float64Array(3),
        ];
        kernel.step(x, 0.013, u, p, a);
        kernel.stepWithJacobian(x, 0.013, u, p, c, Fa);
        generic.stepWithJacobian(x, 0.013, u, b, Fb);
        expect(relativeError(a, b)).toBeLessThan(1e-13);
        expect(Array.from(c)).toEqual(Array.from(a)); // the Jacobian kernel's state is the f kernel's, bit for bit
        expect(relativeError(Fa, Fb)).toBeLessThan(1e-13);
      }
    });
  }

  test("f after jacobian reuses the trajectory only for identical arguments", () => {
    const model = new ExpressionTransitionModel({
      state: [{ name: "a" }, { name: "b" }],
      inputs: [{ name: "f" }],
      parameters: { k: 2 },
      dynamics: { a: "b", b: "-k * sin(a) + f" },
    });
    const fresh = model.withParameters({});
    const x = Float64Array.of(0.4, -0.2);
    const u = Float64Array.of(0.5);
    const F = new Float64Array(4);
    const [hit, expected] = [new Float64Array(2), new Float64Array(2)];
    model.jacobian(x, 0.1, u, F);
    model.f(x, 0.1, u, hit);
    fresh.f(x, 0.1, u, expected);
    expect(Array.from(hit)).toEqual(Array.from(expected));
    for (const [x2, dt2, u2] of [
      [Float64Array.of(0.4, -0.1), 0.1, u],
      [x, 0.2, u],
      [x, 0.1, Float64Array.of(0.6)],
    ] as const) {
      const [got, want] = [new Float64Array(2), new Float64Array(2)];
      model.f(x2, dt2, u2, got);
      fresh.f(x2, dt2, u2, want);
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  });
});
