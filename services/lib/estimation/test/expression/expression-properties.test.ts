import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import { type BinaryOperator, type Expression, sameExpression } from "../../src/expression/expression-ast.ts";
import { ExpressionError } from "../../src/expression/expression-error.ts";
import { EXPRESSION_FUNCTIONS } from "../../src/expression/expression-functions.ts";
import { parseExpression } from "../../src/expression/parse-expression.ts";
import { printExpression } from "../../src/expression/print-expression.ts";

const names = ["x", "y", "theta", "omega_1", "pi", "e"];
const functions = Object.entries(EXPRESSION_FUNCTIONS);

/** Random trees as the parser can produce them: non-negative finite literals, whitelisted calls. */
const expressionArb: fc.Arbitrary<Expression> = fc.letrec<{ node: Expression }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(
      fc
        .double({ min: 0, max: 1e25, noNaN: true, noDefaultInfinity: true })
        .map((v) => ({ kind: "number", value: v }) as Expression),
      fc.nat(1000).map((v) => ({ kind: "number", value: v }) as Expression),
    ),
    fc.constantFrom(...names).map((name) => ({ kind: "variable", name }) as Expression),
    tie("node").map((operand) => ({ kind: "negate", operand }) as Expression),
    fc
      .tuple(fc.constantFrom<BinaryOperator>("+", "-", "*", "/", "^"), tie("node"), tie("node"))
      .map(([op, left, right]) => ({ kind: "binary", op, left, right }) as Expression),
    fc
      .constantFrom(...functions)
      .chain(([name, f]) =>
        fc
          .array(tie("node"), { minLength: f.arity, maxLength: f.arity })
          .map((args) => ({ kind: "call", name, args }) as Expression),
      ),
  ),
})).node;

describe("expression language properties", () => {
  test("printing a random tree and parsing it back gives the same tree", () => {
    fc.assert(
      fc.property(expressionArb, (tree) => {
        const text = printExpression(tree);
        const back = parseExpression(text);
        if (!sameExpression(back, tree)) throw new Error(`round trip changed ${text} into ${printExpression(back)}`);
      }),
      { numRuns: 1000 },
    );
  });

  test("random garbage either parses or throws an ExpressionError — nothing else", () => {
    const alphabet = fc.constantFrom(..."0123456789.eE+-*/^(),_ xyzsincopwatqrlgmh\n\t;#$\"'`{}[]=<>!?".split(""));
    const garbage = fc.oneof(
      fc.string({ unit: alphabet, maxLength: 60 }),
      fc.string({ maxLength: 40 }),
      fc.string({ unit: "grapheme", maxLength: 20 }),
    );
    fc.assert(
      fc.property(garbage, (text) => {
        try {
          parseExpression(text, { identifiers: new Set(["x", "y"]) });
        } catch (err) {
          if (!(err instanceof ExpressionError)) throw err;
          expect(err.position.offset).toBeGreaterThanOrEqual(0);
          expect(err.position.offset).toBeLessThanOrEqual(text.length);
          expect(["EXPR_SYNTAX", "EXPR_UNKNOWN_IDENTIFIER", "EXPR_UNKNOWN_FUNCTION", "EXPR_ARITY"]).toContain(err.code);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
