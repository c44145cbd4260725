import { describe, expect, test } from "@jest/globals";
import { compileExpressions } from "../../src/expression/compile-expressions.ts";
import { differentiateExpression } from "../../src/expression/differentiate-expression.ts";
import { parseExpression } from "../../src/expression/parse-expression.ts";
import { printExpression } from "../../src/expression/print-expression.ts";
import { simplifyExpression } from "../../src/expression/simplify-expression.ts";
import { finiteDifferenceJacobian, relativeError } from "../models/finite-difference.ts";
import { SeededNormal } from "../models/seeded-normal.ts";

const layout = { state: ["x", "y"], inputs: ["u"], parameters: ["k"] };

/** Expressions with the box of (x, y) where they are smooth. */
const CASES: [string, [number, number], [number, number]][] = [
  ["x^3 - 2*x*y + y^2/3", [-3, 3], [-3, 3]],
  ["sin(x)*cos(y) + tan(x/4)", [-2, 2], [-2, 2]],
  ["asin(x/4) + acos(y/4) + atan(x*y)", [-3, 3], [-3, 3]],
  ["atan2(y, x) + hypot(x, y)", [0.5, 3], [-3, 3]],
  ["sinh(x/2) + cosh(y/3) * tanh(x - y)", [-2, 2], [-2, 2]],
  ["exp(-x^2) * log(y) + log10(x^2 + 1)", [-2, 2], [0.5, 4]],
  ["sqrt(x^2 + y^2 + 1) / (1 + abs(y))", [-3, 3], [0.2, 3]],
  ["x^y + pow(y, 2.5) + 2^x", [0.5, 2], [0.5, 2]],
  ["min(x, y) * max(x^2, 1 + y)", [-3, -1.5], [1, 3]],
  ["-(k/u) * sin(x) - k*y + u*e^(x/pi)", [-3, 3], [-3, 3]],
  ["1 / (x - y) - (x*y)/(x + y)^2", [2, 3], [-1.5, -0.5]],
  ["x - x + 0*y + 1*y + y^1 + x^0", [-3, 3], [-3, 3]],
];

describe("symbolic differentiation", () => {
  for (const [text, bx, by] of CASES) {
    test(`∂/∂(x, y) of ${text} matches finite differences`, () => {
      const e = simplifyExpression(parseExpression(text, { identifiers: new Set(["x", "y", "u", "k"]) }));
      const h = compileExpressions([e], layout);
      const J = compileExpressions([differentiateExpression(e, "x"), differentiateExpression(e, "y")], layout);
      const u = Float64Array.of(1.7);
      const p = Float64Array.of(0.9);
      const rng = new SeededNormal(text.length);
      let worst = 0;
      for (let i = 0; i < 40; i++) {
        const x = Float64Array.of(bx[0] + (bx[1] - bx[0]) * rng.uniform(), by[0] + (by[1] - by[0]) * rng.uniform());
        const analytic = new Float64Array(2);
        J(x, u, p, analytic);
        const fd = finiteDifferenceJacobian((xx, out) => h(xx, u, p, out), x, 1);
        worst = Math.max(worst, relativeError(analytic, fd));
      }
      expect(worst).toBeLessThan(1e-6);
    });
  }

  test("simplification removes 0/1 terms and folds constants", () => {
    const simplified = (t: string) => printExpression(simplifyExpression(parseExpression(t)));
    expect(simplified("x*1 + 0*y + x^1 - 0")).toBe("x + x");
    expect(simplified("2*3 + x/1")).toBe("6 + x");
    expect(simplified("-(-x)")).toBe("x");
    expect(simplified("2*(3*x)")).toBe("6 * x");
    expect(simplified("x - x")).toBe("0");
    expect(simplified("sqrt(16) * y^0")).toBe("4");
    expect(simplified("log(0) + x")).toBe("log(0) + x"); // not folded to -Infinity
    const d = (t: string, v: string) => printExpression(differentiateExpression(parseExpression(t), v));
    expect(d("-(g/L)*sin(theta) - c*omega", "omega")).toBe("-c");
    expect(d("-(g/L)*sin(theta) - c*omega", "theta")).toBe("-(g / L * cos(theta))");
    expect(d("3*x^2", "x")).toBe("6 * x");
    expect(d("y", "x")).toBe("0");
  });
});
