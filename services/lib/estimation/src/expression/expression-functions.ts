/** A whitelisted function: its arity and how it evaluates. */
export interface ExpressionFunction {
  readonly arity: number;
  readonly evaluate: (...args: number[]) => number;
}

/**
 * The functions an expression may call — a whitelist. Each maps to the `Math` function of the same name.
 *
 * Why a whitelist: generated code may only call these, so a declaration can never reach anything else in
 * the JavaScript environment. `min`/`max`/`hypot` take exactly two arguments (nest them for more) so that
 * their symbolic derivatives stay simple. `sign` is included because derivatives of `abs`, `min`, `max`
 * use it and it is useful for friction-like terms.
 */
export const EXPRESSION_FUNCTIONS: Readonly<Record<string, ExpressionFunction>> = Object.freeze({
  sin: { arity: 1, evaluate: Math.sin },
  cos: { arity: 1, evaluate: Math.cos },
  tan: { arity: 1, evaluate: Math.tan },
  asin: { arity: 1, evaluate: Math.asin },
  acos: { arity: 1, evaluate: Math.acos },
  atan: { arity: 1, evaluate: Math.atan },
  atan2: { arity: 2, evaluate: Math.atan2 },
  sinh: { arity: 1, evaluate: Math.sinh },
  cosh: { arity: 1, evaluate: Math.cosh },
  tanh: { arity: 1, evaluate: Math.tanh },
  exp: { arity: 1, evaluate: Math.exp },
  log: { arity: 1, evaluate: Math.log },
  log10: { arity: 1, evaluate: Math.log10 },
  sqrt: { arity: 1, evaluate: Math.sqrt },
  abs: { arity: 1, evaluate: Math.abs },
  sign: { arity: 1, evaluate: Math.sign },
  min: { arity: 2, evaluate: Math.min },
  max: { arity: 2, evaluate: Math.max },
  pow: { arity: 2, evaluate: Math.pow },
  hypot: { arity: 2, evaluate: Math.hypot },
});

/** Named constants: `pi` and `e`. */
export const EXPRESSION_CONSTANTS: Readonly<Record<string, number>> = Object.freeze({ pi: Math.PI, e: Math.E });

/** True when `name` is a whitelisted function. */
export function isExpressionFunction(name: string): boolean {
  return Object.hasOwn(EXPRESSION_FUNCTIONS, name);
}

/** True when `name` is a named constant. */
export function isExpressionConstant(name: string): boolean {
  return Object.hasOwn(EXPRESSION_CONSTANTS, name);
}
