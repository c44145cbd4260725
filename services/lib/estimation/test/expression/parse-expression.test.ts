import { describe, expect, test } from "@jest/globals";
import {
  binary,
  call,
  type Expression,
  negate,
  num,
  sameExpression,
  variable,
} from "../../src/expression/expression-ast.ts";
import { ExpressionError } from "../../src/expression/expression-error.ts";
import { parseExpression } from "../../src/expression/parse-expression.ts";
import { printExpression } from "../../src/expression/print-expression.ts";

const x = variable("x");
const y = variable("y");

function expectTree(text: string, expected: Expression): void {
  const got = parseExpression(text);
  if (!sameExpression(got, expected)) {
    throw new Error(`'${text}' parsed as ${printExpression(got)}, expected ${printExpression(expected)}`);
  }
}

function expectError(
  text: string,
  code: string,
  line: number,
  column: number,
  identifiers?: string[],
): ExpressionError {
  try {
    parseExpression(text, identifiers ? { identifiers: new Set(identifiers) } : {});
  } catch (err) {
    expect(err).toBeInstanceOf(ExpressionError);
    const e = err as ExpressionError;
    expect({ code: e.code, line: e.position.line, column: e.position.column }).toEqual({ code, line, column });
    return e;
  }
  throw new Error(`'${text}' parsed without error`);
}

describe("parseExpression", () => {
  test("numbers with fractions and exponents", () => {
    expectTree("1.5e3", num(1500));
    expectTree(".25", num(0.25));
    expectTree("2.", num(2));
    expectTree("7E-2", num(0.07));
    expectTree("1e+2", num(100));
  });

  test("precedence: * over +, ^ over unary minus, ^ right-associative", () => {
    expectTree("1 + 2 * x", binary("+", num(1), binary("*", num(2), x)));
    expectTree("x - y - 1", binary("-", binary("-", x, y), num(1)));
    expectTree("x / y / 2", binary("/", binary("/", x, y), num(2)));
    expectTree("-x^2", negate(binary("^", x, num(2))));
    expectTree("x^y^2", binary("^", x, binary("^", y, num(2))));
    expectTree("x^-y", binary("^", x, negate(y)));
    expectTree("(-x)^2", binary("^", negate(x), num(2)));
    expectTree("2 * -x", binary("*", num(2), negate(x)));
    expectTree("+x", x);
  });

  test("function calls with whitelisted names and constants", () => {
    expectTree("atan2(y, x) + pi", binary("+", call("atan2", y, x), variable("pi")));
    expectTree("max(min(x, 1), -1)", call("max", call("min", x, num(1)), negate(num(1))));
    expectTree("exp(-x / e)", call("exp", binary("/", negate(x), variable("e"))));
  });

  test("syntax errors carry offset, line, column and a caret excerpt", () => {
    const e = expectError("x +\n  * y", "EXPR_SYNTAX", 2, 3);
    expect(e.position.offset).toBe(6);
    expect(e.message).toContain("  * y\n    ^");
    expectError("(x + 1", "EXPR_SYNTAX", 1, 7);
    expectError("x y", "EXPR_SYNTAX", 1, 3);
    expectError("2x", "EXPR_SYNTAX", 1, 2);
    expectError("1e", "EXPR_SYNTAX", 1, 2);
    expectError("1e999", "EXPR_SYNTAX", 1, 1);
    expectError("x # 2", "EXPR_SYNTAX", 1, 3);
    expectError("x; process.exit(1)", "EXPR_SYNTAX", 1, 2);
    expectError("sin + 1", "EXPR_SYNTAX", 1, 1);
    expectError("", "EXPR_SYNTAX", 1, 1);
  });

  test("unknown identifiers are reported at their position when a scope is given", () => {
    const e = expectError("theta + omegaa", "EXPR_UNKNOWN_IDENTIFIER", 1, 9, ["theta", "omega"]);
    expect(e.detail).toContain("omegaa");
    expect(parseExpression("pi * theta", { identifiers: new Set(["theta"]) })).toBeDefined();
    expectError("constructor", "EXPR_UNKNOWN_IDENTIFIER", 1, 1, ["x"]);
    expectError("__proto__", "EXPR_UNKNOWN_IDENTIFIER", 1, 1, ["x"]);
  });

  test("unknown functions and wrong arity", () => {
    expectError("1 + eval(x)", "EXPR_UNKNOWN_FUNCTION", 1, 5);
    expectError("x * Function(x)", "EXPR_UNKNOWN_FUNCTION", 1, 5);
    expectError("sin(x, y)", "EXPR_ARITY", 1, 1);
    expectError("atan2(x)", "EXPR_ARITY", 1, 1);
    expectError("  pow()", "EXPR_ARITY", 1, 3);
  });

  test("hostile nesting fails with an ExpressionError, not a stack overflow", () => {
    expectError(`${"(".repeat(1000)}x${")".repeat(1000)}`, "EXPR_SYNTAX", 1, 258);
    expect(() => parseExpression("-".repeat(5000) + "x")).toThrow(ExpressionError);
    expect(() => parseExpression("x+".repeat(3000) + "x")).toThrow(ExpressionError);
  });

  test("errors from declarations name their source", () => {
    try {
      parseExpression("1 +", { source: "dynamics.omega" });
      throw new Error("expected an error");
    } catch (err) {
      expect((err as ExpressionError).message.startsWith("dynamics.omega: ")).toBe(true);
      expect((err as ExpressionError).source).toBe("dynamics.omega");
    }
  });
});
