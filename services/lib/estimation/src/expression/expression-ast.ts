/** Where a node came from in the source text (absent on nodes built by differentiation/simplification). */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A non-negative finite numeric literal (negative values are a negate node around a number). */
export interface NumberNode {
  readonly kind: "number";
  readonly value: number;
  readonly span?: Span;
}

/** A named value: a state, input, parameter, or the constants `pi` and `e`. */
export interface VariableNode {
  readonly kind: "variable";
  readonly name: string;
  readonly span?: Span;
}

/** Unary minus. */
export interface NegateNode {
  readonly kind: "negate";
  readonly operand: Expression;
  readonly span?: Span;
}

/** Binary operators; `^` is exponentiation (right-associative). */
export type BinaryOperator = "+" | "-" | "*" | "/" | "^";

export interface BinaryNode {
  readonly kind: "binary";
  readonly op: BinaryOperator;
  readonly left: Expression;
  readonly right: Expression;
  readonly span?: Span;
}

/** A call of a whitelisted function. */
export interface CallNode {
  readonly kind: "call";
  readonly name: string;
  readonly args: readonly Expression[];
  readonly span?: Span;
}

/**
 * The abstract syntax tree of a model expression.
 *
 * Why a closed union of plain objects: the tree is the only thing code generation, differentiation and
 * printing ever see, so everything downstream is checked exhaustively by the compiler and nothing from the
 * user's raw text reaches generated JavaScript.
 */
export type Expression = NumberNode | VariableNode | NegateNode | BinaryNode | CallNode;

/** A number literal node; negative values become negate(number) so literals stay non-negative. */
export function num(value: number): Expression {
  return value < 0 || Object.is(value, -0)
    ? { kind: "negate", operand: { kind: "number", value: -value } }
    : { kind: "number", value };
}

/** A variable node. */
export function variable(name: string): VariableNode {
  return { kind: "variable", name };
}

/** A binary node. */
export function binary(op: BinaryOperator, left: Expression, right: Expression): BinaryNode {
  return { kind: "binary", op, left, right };
}

/** A call node. */
export function call(name: string, ...args: Expression[]): CallNode {
  return { kind: "call", name, args };
}

/** A negate node. */
export function negate(operand: Expression): NegateNode {
  return { kind: "negate", operand };
}

/** Structural equality of two trees, ignoring spans (numbers compared with Object.is). */
export function sameExpression(a: Expression, b: Expression): boolean {
  switch (a.kind) {
    case "number":
      return b.kind === "number" && Object.is(a.value, b.value);
    case "variable":
      return b.kind === "variable" && a.name === b.name;
    case "negate":
      return b.kind === "negate" && sameExpression(a.operand, b.operand);
    case "binary":
      return b.kind === "binary" && a.op === b.op && sameExpression(a.left, b.left) && sameExpression(a.right, b.right);
    case "call":
      return (
        b.kind === "call" &&
        a.name === b.name &&
        a.args.length === b.args.length &&
        a.args.every((arg, i) => sameExpression(arg, b.args[i]))
      );
  }
}

/** The names of the variables a tree refers to (constants included). */
export function freeVariables(e: Expression, into: Set<string> = new Set()): Set<string> {
  switch (e.kind) {
    case "number":
      break;
    case "variable":
      into.add(e.name);
      break;
    case "negate":
      freeVariables(e.operand, into);
      break;
    case "binary":
      freeVariables(e.left, into);
      freeVariables(e.right, into);
      break;
    case "call":
      for (const a of e.args) freeVariables(a, into);
      break;
  }
  return into;
}

/** Replace variables by trees (e.g. a state by the number 0). */
export function substitute(e: Expression, replacements: ReadonlyMap<string, Expression>): Expression {
  switch (e.kind) {
    case "number":
      return e;
    case "variable":
      return replacements.get(e.name) ?? e;
    case "negate":
      return negate(substitute(e.operand, replacements));
    case "binary":
      return binary(e.op, substitute(e.left, replacements), substitute(e.right, replacements));
    case "call":
      return call(e.name, ...e.args.map((a) => substitute(a, replacements)));
  }
}
