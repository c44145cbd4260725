import { ModelParameterError } from "./model-parameter-error.ts";

/** What a parameter's value must satisfy: > 0, ≥ 0, or just finite. */
export type ParameterRule = "positive" | "nonNegative" | "finite";

/**
 * Validate a model's parameters against their rules, applying overrides, and return a frozen copy.
 *
 * Why one function: every built-in model and every `withParameters` goes through the same checks, so an
 * unknown name or a non-physical value always raises the same {@link ModelParameterError}.
 */
export function resolveParameters<K extends string>(
  model: string,
  rules: Readonly<Record<K, ParameterRule>>,
  values: Readonly<Record<K, number>>,
  overrides: Readonly<Record<string, number>> = {},
): Readonly<Record<K, number>> {
  const out = { ...values } as Record<K, number>;
  for (const [name, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(rules, name)) {
      throw new ModelParameterError(
        model,
        name,
        "unknown",
        `is not a parameter of this model (known: ${Object.keys(rules).join(", ")})`,
      );
    }
    out[name as K] = value;
  }
  for (const name of Object.keys(rules) as K[]) {
    checkParameter(model, name, out[name], rules[name]);
  }
  return Object.freeze(out);
}

/** Throw {@link ModelParameterError} unless `value` satisfies `rule`. */
export function checkParameter(model: string, name: string, value: number, rule: ParameterRule): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ModelParameterError(model, name, "not_finite", `must be a finite number, got ${String(value)}`);
  }
  if (rule === "positive" && !(value > 0)) {
    throw new ModelParameterError(model, name, "not_positive", `must be > 0, got ${value}`);
  }
  if (rule === "nonNegative" && value < 0) {
    throw new ModelParameterError(model, name, "negative", `must be ≥ 0, got ${value}`);
  }
}
