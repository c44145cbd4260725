import { binary, call, type Expression, negate, num } from "./expression-ast.ts";
import { simplifyExpression } from "./simplify-expression.ts";

const ZERO = num(0);
const ONE = num(1);
const TWO = num(2);
const HALF = num(0.5);

function dependsOn(e: Expression, v: string): boolean {
  switch (e.kind) {
    case "number":
      return false;
    case "variable":
      return e.name === v;
    case "negate":
      return dependsOn(e.operand, v);
    case "binary":
      return dependsOn(e.left, v) || dependsOn(e.right, v);
    case "call":
      return e.args.some((a) => dependsOn(a, v));
  }
}

const mul = (a: Expression, b: Expression) => binary("*", a, b);
const div = (a: Expression, b: Expression) => binary("/", a, b);
const add = (a: Expression, b: Expression) => binary("+", a, b);
const sub = (a: Expression, b: Expression) => binary("-", a, b);
const sq = (a: Expression) => binary("^", a, TWO);

/**
 * Symbolic derivative ∂e/∂v, simplified (see {@link simplifyExpression}).
 *
 * Rules: sum, product and quotient rules; power: ∂(a^n)/∂v = n·a^(n−1)·a' for constant n,
 * ∂(c^b) = c^b·ln c·b' for constant base, a^b·(b'·ln a + b·a'/a) otherwise; chain rule through every
 * whitelisted function (e.g. sin → cos, atan2(y, x) → (x·y' − y·x')/(x² + y²), abs → sign(a)·a',
 * min/max → ½(a' + b') ∓ ½(a' − b')·sign(a − b), hypot → (a·a' + b·b')/hypot(a, b)).
 * Kinks (abs, min, max, sign) take the one-sided average there; sign' = 0.
 */
export function differentiateExpression(e: Expression, v: string): Expression {
  return simplifyExpression(derive(e, v));
}

function derive(e: Expression, v: string): Expression {
  if (!dependsOn(e, v)) return ZERO;
  switch (e.kind) {
    case "number":
      return ZERO;
    case "variable":
      return e.name === v ? ONE : ZERO;
    case "negate":
      return negate(derive(e.operand, v));
    case "binary": {
      const a = e.left;
      const b = e.right;
      switch (e.op) {
        case "+":
          return add(derive(a, v), derive(b, v));
        case "-":
          return sub(derive(a, v), derive(b, v));
        case "*":
          return add(mul(derive(a, v), b), mul(a, derive(b, v)));
        case "/":
          return div(sub(mul(derive(a, v), b), mul(a, derive(b, v))), sq(b));
        case "^":
          return derivePower(a, b, v);
      }
      break;
    }
    case "call":
      return deriveCall(e.name, e.args, v);
  }
  throw new Error("unreachable");
}

function derivePower(a: Expression, b: Expression, v: string): Expression {
  if (!dependsOn(b, v)) return mul(mul(b, binary("^", a, sub(b, ONE))), derive(a, v));
  if (!dependsOn(a, v)) return mul(mul(binary("^", a, b), call("log", a)), derive(b, v));
  return mul(binary("^", a, b), add(mul(derive(b, v), call("log", a)), div(mul(b, derive(a, v)), a)));
}

function deriveCall(name: string, args: readonly Expression[], v: string): Expression {
  const a = args[0];
  const da = derive(a, v);
  switch (name) {
    case "sin":
      return mul(call("cos", a), da);
    case "cos":
      return negate(mul(call("sin", a), da));
    case "tan":
      return div(da, sq(call("cos", a)));
    case "asin":
      return div(da, call("sqrt", sub(ONE, sq(a))));
    case "acos":
      return negate(div(da, call("sqrt", sub(ONE, sq(a)))));
    case "atan":
      return div(da, add(ONE, sq(a)));
    case "sinh":
      return mul(call("cosh", a), da);
    case "cosh":
      return mul(call("sinh", a), da);
    case "tanh":
      return mul(sub(ONE, sq(call("tanh", a))), da);
    case "exp":
      return mul(call("exp", a), da);
    case "log":
      return div(da, a);
    case "log10":
      return div(da, mul(a, call("log", num(10))));
    case "sqrt":
      return div(da, mul(TWO, call("sqrt", a)));
    case "abs":
      return mul(call("sign", a), da);
    case "sign":
      return ZERO;
    case "atan2": {
      // atan2(y, x): (x·y' − y·x') / (x² + y²)
      const y = args[0];
      const x = args[1];
      return div(sub(mul(x, derive(y, v)), mul(y, derive(x, v))), add(sq(x), sq(y)));
    }
    case "pow":
      return derivePower(args[0], args[1], v);
    case "hypot": {
      const b = args[1];
      return div(add(mul(a, da), mul(b, derive(b, v))), call("hypot", a, b));
    }
    case "min":
    case "max": {
      const b = args[1];
      const db = derive(b, v);
      const mean = mul(HALF, add(da, db));
      const half = mul(mul(HALF, sub(da, db)), call("sign", sub(a, b)));
      return name === "max" ? add(mean, half) : sub(mean, half);
    }
  }
  throw new Error(`no derivative rule for '${name}'`);
}
