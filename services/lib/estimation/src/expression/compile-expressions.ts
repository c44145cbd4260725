import type { Expression } from "./expression-ast.ts";
import { generateJavaScript } from "./generate-javascript.ts";

/** A compiled vector function: out[k] = e_k(x, u, p). */
export type CompiledVectorFunction = (x: Float64Array, u: Float64Array, p: Float64Array, out: Float64Array) => void;

/** Where each named variable lives: a state (x), input (u) or parameter (p) slot index. */
export interface VariableLayout {
  readonly state: readonly string[];
  readonly inputs: readonly string[];
  readonly parameters: readonly string[];
}

/** The slot map of a layout: state i → x[i], input j → u[j], parameter k → p[k]. */
export function slotsOf(layout: VariableLayout): Map<string, string> {
  const slots = new Map<string, string>();
  for (const [i, name] of layout.state.entries()) slots.set(name, `x[${i}]`);
  for (const [i, name] of layout.inputs.entries()) slots.set(name, `u[${i}]`);
  for (const [i, name] of layout.parameters.entries()) slots.set(name, `p[${i}]`);
  return slots;
}

/**
 * Compile trees into one allocation-free function writing out[k] = e_k(x, u, p).
 *
 * The function body is generated only from the validated trees by {@link generateJavaScript} and then
 * instantiated with `new Function("x", "u", "p", "out", body)` — the user's text is never evaluated.
 * Entries that are the literal 0 are still written, so a reused `out` buffer is fully overwritten.
 */
export function compileExpressions(expressions: readonly Expression[], layout: VariableLayout): CompiledVectorFunction {
  const slots = slotsOf(layout);
  const body = ['"use strict";', ...expressions.map((e, k) => `out[${k}] = ${generateJavaScript(e, slots)};`)].join(
    "\n",
  );
  return new Function("x", "u", "p", "out", body) as CompiledVectorFunction;
}
