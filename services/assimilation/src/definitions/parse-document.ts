import { parse as parseYaml, YAMLParseError } from "yaml";
import type { z } from "zod";
import { DefinitionError, type DefinitionIssue } from "./definition-error.ts";

/** Serialization of a definition or binding document. */
export type DocumentFormat = "yaml" | "json";

/** The format implied by a file name: `.json` is JSON, everything else YAML (YAML 1.2 is a superset). */
export function formatOfPath(path: string): DocumentFormat {
  return path.toLowerCase().endsWith(".json") ? "json" : "yaml";
}

/** Dotted field path of a zod issue path, with array indices in brackets: `sensors.temp.gate.probability`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out;
}

/**
 * Parses text as YAML or JSON and validates it against `schema`.
 *
 * Why here and not in each caller: files, the definitions topic and the admin API must reject the same
 * documents with the same messages.
 *
 * @throws DefinitionError naming `source` and every invalid field
 */
export function parseDocument<S extends z.ZodType>(
  schema: S,
  text: string,
  format: DocumentFormat,
  source: string,
): z.infer<S> {
  return validateDocument(schema, parseText(text, format, source), source);
}

/** Parses YAML or JSON text to a plain value. @throws DefinitionError naming `source` and the position */
export function parseText(text: string, format: DocumentFormat, source: string): unknown {
  try {
    return format === "json" ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (error) {
    const where =
      error instanceof YAMLParseError && error.linePos !== undefined
        ? `line ${error.linePos[0].line} column ${error.linePos[0].col}`
        : "";
    throw new DefinitionError(source, [
      { field: where, message: `not valid ${format.toUpperCase()}: ${(error as Error).message.split("\n")[0]}` },
    ]);
  }
}

/** Validates a parsed value against `schema`. @throws DefinitionError naming `source` and every invalid field */
export function validateDocument<S extends z.ZodType>(schema: S, raw: unknown, source: string): z.infer<S> {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issues: DefinitionIssue[] = result.error.issues.map((issue) => ({
      field: fieldPath(issue.path),
      message: issue.message,
    }));
    throw new DefinitionError(source, issues);
  }
  return result.data;
}
