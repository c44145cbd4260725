import { isExpressionConstant, isExpressionFunction } from "./expression-functions.ts";
import { ModelDeclarationError } from "./model-declaration-error.ts";

/** A declared state variable or input: its name and optional unit. */
export interface VariableDeclaration {
  readonly name: string;
  readonly unit?: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Check that every declared name (states, inputs, parameters) is an identifier, unique, and not a
 * whitelisted function or constant; returns them as one set for the parser's identifier check.
 *
 * Why: names become array slots in generated code, and a state called `e` or `sin` would shadow the
 * language; rejecting that at declaration time gives a clear error instead of a confusing parse.
 */
export function checkDeclaredNames(groups: readonly { path: string; names: readonly string[] }[]): Set<string> {
  const seen = new Map<string, string>();
  for (const { path, names } of groups) {
    names.forEach((name, i) => {
      const where = `${path}[${i}]`;
      if (typeof name !== "string" || !IDENTIFIER.test(name)) {
        throw new ModelDeclarationError(where, `'${String(name)}' is not an identifier ([A-Za-z_][A-Za-z0-9_]*)`);
      }
      if (isExpressionFunction(name) || isExpressionConstant(name)) {
        throw new ModelDeclarationError(
          where,
          `'${name}' is reserved (a function or constant of the expression language)`,
        );
      }
      const earlier = seen.get(name);
      if (earlier !== undefined) throw new ModelDeclarationError(where, `'${name}' is already declared at ${earlier}`);
      seen.set(name, where);
    });
  }
  return new Set(seen.keys());
}
