import type { Expression } from "./expression-ast.ts";
import { EXPRESSION_CONSTANTS, isExpressionFunction } from "./expression-functions.ts";

/** Maps a variable name to the JavaScript that reads it, e.g. "x[0]" — built from indices, never from text. */
export type SlotMap = ReadonlyMap<string, string>;

/**
 * Generate a JavaScript expression from a validated tree.
 *
 * The output contains only: numeric literals printed from finite numbers, the slot references in `slots`
 * (array reads built by the compiler from integer indices), `Math.PI`/`Math.E`, `Math.<f>` for whitelisted
 * functions, operators and parentheses. Every operand is parenthesized, so JavaScript precedence never
 * matters. `a^2` and `a^3` with a variable or literal base become products; other powers `Math.pow`.
 * Throws if the tree holds a name with no slot or a function outside the whitelist, which a parsed and
 * bound tree never does.
 */
export function generateJavaScript(e: Expression, slots: SlotMap): string {
  switch (e.kind) {
    case "number":
      if (!Number.isFinite(e.value)) throw new Error(`non-finite literal ${e.value}`);
      return `(${String(e.value)})`;
    case "variable": {
      const slot = slots.get(e.name);
      if (slot !== undefined) return slot;
      if (Object.hasOwn(EXPRESSION_CONSTANTS, e.name)) return e.name === "pi" ? "Math.PI" : "Math.E";
      throw new Error(`no slot for variable '${e.name}'`);
    }
    case "negate":
      return `(-${generateJavaScript(e.operand, slots)})`;
    case "binary": {
      const a = generateJavaScript(e.left, slots);
      const b = generateJavaScript(e.right, slots);
      if (e.op === "^") {
        const simpleBase = e.left.kind === "variable" || e.left.kind === "number";
        if (simpleBase && e.right.kind === "number" && e.right.value === 2) return `(${a}*${a})`;
        if (simpleBase && e.right.kind === "number" && e.right.value === 3) return `(${a}*${a}*${a})`;
        return `Math.pow(${a},${b})`;
      }
      return `(${a}${e.op}${b})`;
    }
    case "call":
      if (!isExpressionFunction(e.name)) throw new Error(`function '${e.name}' is not whitelisted`);
      return `Math.${e.name}(${e.args.map((a) => generateJavaScript(a, slots)).join(",")})`;
  }
}
