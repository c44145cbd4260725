import type { Expression } from "./expression-ast.ts";

/** Precedence levels: higher binds tighter. */
const ADDITIVE = 1;
const MULTIPLICATIVE = 2;
const UNARY = 3;
const POWER = 4;
const PRIMARY = 5;

function precedence(e: Expression): number {
  switch (e.kind) {
    case "number":
    case "variable":
    case "call":
      return PRIMARY;
    case "negate":
      return UNARY;
    case "binary":
      return e.op === "+" || e.op === "-" ? ADDITIVE : e.op === "^" ? POWER : MULTIPLICATIVE;
  }
}

function wrap(e: Expression, minimum: number): string {
  const s = printExpression(e);
  return precedence(e) < minimum ? `(${s})` : s;
}

/**
 * Print a tree as expression text with the fewest parentheses that re-parse to the same tree
 * (`parseExpression(printExpression(t))` equals `t`, spans aside).
 *
 * Left-associative `+ - * /` parenthesize a right operand of the same level; `^` is right-associative and
 * its base must be a primary. Used for error reports, documentation and the round-trip property test.
 */
export function printExpression(e: Expression): string {
  switch (e.kind) {
    case "number":
      return String(e.value);
    case "variable":
      return e.name;
    case "call":
      return `${e.name}(${e.args.map(printExpression).join(", ")})`;
    case "negate":
      return `-${wrap(e.operand, UNARY)}`;
    case "binary": {
      if (e.op === "^") return `${wrap(e.left, PRIMARY)}^${wrap(e.right, UNARY)}`;
      const level = e.op === "+" || e.op === "-" ? ADDITIVE : MULTIPLICATIVE;
      return `${wrap(e.left, level)} ${e.op} ${wrap(e.right, level + 1)}`;
    }
  }
}
