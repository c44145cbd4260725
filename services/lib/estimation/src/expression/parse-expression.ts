import type { Expression } from "./expression-ast.ts";
import { ExpressionError } from "./expression-error.ts";
import { EXPRESSION_FUNCTIONS, isExpressionConstant, isExpressionFunction } from "./expression-functions.ts";
import { type Token, tokenizeExpression } from "./tokenize-expression.ts";

/** Options of {@link parseExpression}. */
export interface ParseOptions {
  /**
   * Names a variable may have (states, inputs, parameters); `pi` and `e` are always allowed. When given,
   * any other identifier is an EXPR_UNKNOWN_IDENTIFIER error at its position.
   */
  readonly identifiers?: ReadonlySet<string>;
  /** Where the text came from, e.g. "dynamics.omega", prefixed to error messages. */
  readonly source?: string;
}

/** Longest text accepted (keeps trees shallow enough for the recursive passes downstream). */
export const MAX_EXPRESSION_LENGTH = 4096;

/** Deepest nesting accepted, so hostile input fails with an ExpressionError instead of a stack overflow. */
const MAX_DEPTH = 256;

/**
 * Parse an expression into its syntax tree (recursive descent, precedence climbing by levels).
 *
 * Grammar (lowest to highest precedence):
 *   expression := term (("+" | "-") term)*
 *   term       := unary (("*" | "/") unary)*
 *   unary      := ("-" | "+") unary | power
 *   power      := primary ("^" unary)?          (right-associative; -x^2 = -(x^2); x^-2 allowed)
 *   primary    := number | identifier | identifier "(" [expression ("," expression)*] ")" | "(" expression ")"
 *
 * Errors are {@link ExpressionError}s with a stable code and the position of the offending token.
 */
export function parseExpression(text: string, options: ParseOptions = {}): Expression {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(
      "EXPR_SYNTAX",
      `expression longer than ${MAX_EXPRESSION_LENGTH} characters`,
      text,
      MAX_EXPRESSION_LENGTH,
      options.source,
    );
  }
  const parser = new Parser(text, tokenizeExpression(text, options.source), options);
  const e = parser.expression(0);
  parser.expectEnd();
  return e;
}

class Parser {
  readonly #text: string;
  readonly #tokens: Token[];
  readonly #options: ParseOptions;
  #i = 0;

  constructor(text: string, tokens: Token[], options: ParseOptions) {
    this.#text = text;
    this.#tokens = tokens;
    this.#options = options;
  }

  #peek(): Token {
    return this.#tokens[this.#i];
  }

  #next(): Token {
    return this.#tokens[this.#i++];
  }

  #fail(code: ExpressionError["code"], detail: string, offset: number): never {
    throw new ExpressionError(code, detail, this.#text, offset, this.#options.source);
  }

  #unexpected(t: Token, wanted: string): never {
    const what = t.kind === "end" ? "end of expression" : `'${t.text}'`;
    this.#fail("EXPR_SYNTAX", `expected ${wanted}, found ${what}`, t.start);
  }

  expectEnd(): void {
    const t = this.#peek();
    if (t.kind !== "end") this.#unexpected(t, "an operator or the end of the expression");
  }

  #isOp(t: Token, op: string): boolean {
    return t.kind === "operator" && t.text === op;
  }

  #checkDepth(depth: number, at: Token): void {
    if (depth > MAX_DEPTH) this.#fail("EXPR_SYNTAX", `expression nested deeper than ${MAX_DEPTH} levels`, at.start);
  }

  expression(depth: number): Expression {
    this.#checkDepth(depth, this.#peek());
    let left = this.#term(depth);
    for (;;) {
      const t = this.#peek();
      if (!this.#isOp(t, "+") && !this.#isOp(t, "-")) return left;
      this.#next();
      const right = this.#term(depth);
      left = { kind: "binary", op: t.text as "+" | "-", left, right, span: span(left, right) };
    }
  }

  #term(depth: number): Expression {
    let left = this.#unary(depth);
    for (;;) {
      const t = this.#peek();
      if (!this.#isOp(t, "*") && !this.#isOp(t, "/")) return left;
      this.#next();
      const right = this.#unary(depth);
      left = { kind: "binary", op: t.text as "*" | "/", left, right, span: span(left, right) };
    }
  }

  #unary(depth: number): Expression {
    const t = this.#peek();
    this.#checkDepth(depth, t);
    if (this.#isOp(t, "-")) {
      this.#next();
      const operand = this.#unary(depth + 1);
      return { kind: "negate", operand, span: { start: t.start, end: operand.span?.end ?? t.end } };
    }
    if (this.#isOp(t, "+")) {
      this.#next();
      return this.#unary(depth + 1);
    }
    return this.#power(depth);
  }

  #power(depth: number): Expression {
    const base = this.#primary(depth);
    const t = this.#peek();
    if (!this.#isOp(t, "^")) return base;
    this.#next();
    const exponent = this.#unary(depth + 1);
    return { kind: "binary", op: "^", left: base, right: exponent, span: span(base, exponent) };
  }

  #primary(depth: number): Expression {
    const t = this.#next();
    if (t.kind === "number") return { kind: "number", value: t.value, span: { start: t.start, end: t.end } };
    if (t.kind === "lparen") {
      const inner = this.expression(depth + 1);
      const close = this.#next();
      if (close.kind !== "rparen") this.#unexpected(close, "')'");
      return inner;
    }
    if (t.kind === "identifier") {
      if (this.#peek().kind === "lparen") return this.#call(t, depth);
      const allowed = this.#options.identifiers;
      if (isExpressionFunction(t.text)) {
        this.#fail("EXPR_SYNTAX", `function '${t.text}' must be called with arguments in parentheses`, t.start);
      }
      if (allowed !== undefined && !allowed.has(t.text) && !isExpressionConstant(t.text)) {
        const known = [...allowed].sort().join(", ");
        this.#fail(
          "EXPR_UNKNOWN_IDENTIFIER",
          `unknown identifier '${t.text}' (known: ${known || "none"}, pi, e)`,
          t.start,
        );
      }
      return { kind: "variable", name: t.text, span: { start: t.start, end: t.end } };
    }
    this.#unexpected(t, "a number, a name or '('");
  }

  #call(name: Token, depth: number): Expression {
    if (!isExpressionFunction(name.text)) {
      this.#fail(
        "EXPR_UNKNOWN_FUNCTION",
        `unknown function '${name.text}' (allowed: ${Object.keys(EXPRESSION_FUNCTIONS).join(", ")})`,
        name.start,
      );
    }
    this.#next(); // "("
    const args: Expression[] = [];
    if (this.#peek().kind !== "rparen") {
      for (;;) {
        args.push(this.expression(depth + 1));
        const sep = this.#peek();
        if (sep.kind === "comma") {
          this.#next();
          continue;
        }
        break;
      }
    }
    const close = this.#next();
    if (close.kind !== "rparen") this.#unexpected(close, "',' or ')'");
    const arity = EXPRESSION_FUNCTIONS[name.text].arity;
    if (args.length !== arity) {
      this.#fail(
        "EXPR_ARITY",
        `function '${name.text}' takes ${arity} argument${arity === 1 ? "" : "s"}, got ${args.length}`,
        name.start,
      );
    }
    return { kind: "call", name: name.text, args, span: { start: name.start, end: close.end } };
  }
}

function span(a: Expression, b: Expression): { start: number; end: number } {
  return { start: a.span?.start ?? 0, end: b.span?.end ?? 0 };
}
