import { readFileSync } from "node:fs";
import { type DocumentFormat, formatOfPath, parseDocument, parseText, validateDocument } from "./parse-document.ts";
import { TwinClass } from "./twin-class.ts";
import {
  type AssetBindingDocument,
  assetBindingSchema,
  assetBindingsSchema,
  twinDefinitionSchema,
} from "./twin-definition-schema.ts";

/**
 * Parses, validates and compiles a twin class definition document.
 *
 * @param source where the text came from, named in every error (a file path, a topic key, an API call)
 * @throws DefinitionError naming `source` and the invalid fields
 */
export function parseTwinDefinition(text: string, format: DocumentFormat, source: string): TwinClass {
  const document = parseDocument(twinDefinitionSchema, text, format, source);
  return new TwinClass(document, text, format, source);
}

/** Reads and compiles a twin definition file (`.yaml`, `.yml` or `.json`). */
export function loadTwinDefinitionFile(path: string): TwinClass {
  return parseTwinDefinition(readFileSync(path, "utf8"), formatOfPath(path), path);
}

/**
 * Parses a bindings document: either `{ bindings: [...] }` or a single binding object.
 *
 * @throws DefinitionError naming `source` and the invalid fields
 */
export function parseAssetBindings(text: string, format: DocumentFormat, source: string): AssetBindingDocument[] {
  const raw = parseText(text, format, source);
  if (typeof raw === "object" && raw !== null && Object.hasOwn(raw, "bindings")) {
    return validateDocument(assetBindingsSchema, raw, source).bindings;
  }
  return [validateDocument(assetBindingSchema, raw, source)];
}

/** Reads a bindings file. */
export function loadAssetBindingsFile(path: string): AssetBindingDocument[] {
  return parseAssetBindings(readFileSync(path, "utf8"), formatOfPath(path), path);
}
