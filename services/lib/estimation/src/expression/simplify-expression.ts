import { binary, call, type Expression, negate, num, sameExpression } from "./expression-ast.ts";
import { EXPRESSION_FUNCTIONS } from "./expression-functions.ts";

/** The value of a literal number or a negated literal, else null. */
export function constantValue(e: Expression): number | null {
  if (e.kind === "number") return e.value;
  if (e.kind === "negate" && e.operand.kind === "number") return -e.operand.value;
  return null;
}

/** A folded number, or null when folding would produce NaN/Inf (left for run time to report). */
function folded(v: number): Expression | null {
  return Number.isFinite(v) ? num(v) : null;
}

/**
 * Algebraic simplification, bottom-up: constant folding (only to finite results), 0/1 elimination
 * (x+0, 0+x, x−0, 0−x → −x, x·1, 1·x, x·0, 0·x, 0/x, x/1, x^1, x^0, 1^x), double negation, −0 → 0,
 * moving signs out of products and quotients, and folding of nested constant factors (c₁·(c₂·x) → (c₁c₂)·x).
 *
 * Why: symbolic derivatives are full of ·1, +0 and ·0 terms; removing them keeps compiled Jacobians short
 * and lets the models detect structurally constant Jacobian entries (linearity). Note x·0 → 0 assumes x is
 * finite, the usual convention of symbolic differentiation.
 */
export function simplifyExpression(e: Expression): Expression {
  switch (e.kind) {
    case "number":
    case "variable":
      return e.span === undefined
        ? e
        : e.kind === "number"
          ? { kind: "number", value: e.value }
          : { kind: "variable", name: e.name };
    case "negate":
      return simplifyNegate(simplifyExpression(e.operand));
    case "call":
      return simplifyCall(e.name, e.args.map(simplifyExpression));
    case "binary":
      return simplifyBinary(e.op, simplifyExpression(e.left), simplifyExpression(e.right));
  }
}

function simplifyNegate(a: Expression): Expression {
  const c = constantValue(a);
  if (c !== null) return num(c === 0 ? 0 : -c);
  if (a.kind === "negate") return a.operand;
  return negate(a);
}

function simplifyCall(name: string, args: Expression[]): Expression {
  const values = args.map(constantValue);
  if (values.every((v) => v !== null)) {
    const f = folded(EXPRESSION_FUNCTIONS[name].evaluate(...(values as number[])));
    if (f !== null) return f;
  }
  return call(name, ...args);
}

function simplifyBinary(op: "+" | "-" | "*" | "/" | "^", a: Expression, b: Expression): Expression {
  const ca = constantValue(a);
  const cb = constantValue(b);
  if (ca !== null && cb !== null) {
    const v = op === "+" ? ca + cb : op === "-" ? ca - cb : op === "*" ? ca * cb : op === "/" ? ca / cb : ca ** cb;
    const f = folded(v);
    if (f !== null) return f;
  }
  switch (op) {
    case "+":
      if (ca === 0) return b;
      if (cb === 0) return a;
      if (b.kind === "negate") return simplifyBinary("-", a, b.operand);
      if (a.kind === "negate") return simplifyBinary("-", b, a.operand);
      return binary("+", a, b);
    case "-":
      if (cb === 0) return a;
      if (ca === 0) return simplifyNegate(b);
      if (b.kind === "negate") return simplifyBinary("+", a, b.operand);
      if (sameExpression(a, b)) return num(0);
      return binary("-", a, b);
    case "*":
      if (ca === 0 || cb === 0) return num(0);
      if (ca === 1) return b;
      if (cb === 1) return a;
      if (ca === -1) return simplifyNegate(b);
      if (cb === -1) return simplifyNegate(a);
      if (a.kind === "negate") return simplifyNegate(simplifyBinary("*", a.operand, b));
      if (b.kind === "negate") return simplifyNegate(simplifyBinary("*", a, b.operand));
      if (cb !== null && ca === null) return simplifyBinary("*", b, a); // constants first: c·x
      if (ca !== null && b.kind === "binary" && b.op === "*") {
        const inner = constantValue(b.left);
        if (inner !== null && Number.isFinite(ca * inner)) return simplifyBinary("*", num(ca * inner), b.right);
      }
      return binary("*", a, b);
    case "/":
      if (ca === 0) return num(0);
      if (cb === 1) return a;
      if (cb === -1) return simplifyNegate(a);
      if (a.kind === "negate") return simplifyNegate(simplifyBinary("/", a.operand, b));
      if (b.kind === "negate") return simplifyNegate(simplifyBinary("/", a, b.operand));
      return binary("/", a, b);
    case "^":
      if (cb === 1) return a;
      if (cb === 0) return num(1);
      if (ca === 1) return num(1);
      return binary("^", a, b);
  }
}
