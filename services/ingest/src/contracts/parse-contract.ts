import { parseAllDocuments } from "yaml";
import type { z } from "zod";
import type { UnitRegistry } from "../units/index.ts";
import { compileContract } from "./compile-contract.ts";
import type { CompiledContract } from "./compiled-contract.ts";
import { contractDocumentSchema } from "./contract-document.ts";
import { ContractError } from "./contract-error.ts";

/** Serialization of a contract document. */
export type ContractTextFormat = "yaml" | "json";

/**
 * Parses and compiles every contract document in `text` (YAML may hold several, separated by `---`).
 *
 * Why one entry point for files and the topic: a contract published at run time must pass exactly the checks
 * a file passes at start-up. Throws {@link ContractError} naming `source` and the field path.
 */
export function parseContracts(
  text: string,
  format: ContractTextFormat,
  source: string,
  units: UnitRegistry,
): CompiledContract[] {
  const values: unknown[] = [];
  if (format === "json") {
    try {
      values.push(JSON.parse(text));
    } catch (error) {
      throw new ContractError(source, "", `not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  } else {
    const docs = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
    if (!Array.isArray(docs)) throw new ContractError(source, "", "no YAML document");
    for (const doc of docs) {
      const first = doc.errors[0];
      if (first !== undefined) {
        const where = first.linePos?.[0] ? ` (line ${first.linePos[0].line}, column ${first.linePos[0].col})` : "";
        throw new ContractError(source, "", `not valid YAML${where}: ${first.message.split("\n")[0]}`);
      }
      values.push(doc.toJS({ maxAliasCount: 100 }));
    }
  }
  if (values.length === 0) throw new ContractError(source, "", "no contract document");
  return values.map((value, i) => {
    const where = values.length > 1 ? `${source} (document ${i + 1})` : source;
    const parsed = contractDocumentSchema.safeParse(value);
    if (!parsed.success) throw fromZod(where, parsed.error);
    return compileContract(parsed.data, where, units);
  });
}

/** Formats a zod issue path as `a.b[2].c`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

function fromZod(source: string, error: z.ZodError): ContractError {
  // a misspelt key also makes the right key "missing": report the misspelling, it explains both
  const issue = error.issues.find((i) => i.code === "unrecognized_keys") ?? error.issues[0]!;
  let path = issue.path;
  let message = issue.message;
  if (issue.code === "unrecognized_keys") {
    // name the unknown key itself, so the path points at it
    path = [...issue.path, issue.keys[0]!];
    message = `unknown field "${issue.keys[0]}"`;
  }
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more issue(s))` : "";
  return new ContractError(source, formatFieldPath(path), message + more, { cause: error });
}
