import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "@jest/globals";

const SRC = fileURLToPath(new URL("../src", import.meta.url));

/**
 * Static imports, re-exports, dynamic imports and requires of kafkajs (or a subpath of it), including type-only
 * ones: the seam rule is about the dependency, not only about runtime values.
 */
const KAFKAJS_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']kafkajs(?:\/[^"']*)?["']/m;

/** Every .ts file under `dir`, recursively. */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

describe("Kafka seam rule: only services/lib/runtime/src/kafka imports kafkajs", () => {
  test("the import pattern recognises every form of importing kafkajs, and not the name in prose", () => {
    for (const line of [
      'import { Kafka } from "kafkajs";',
      "import type { Consumer } from 'kafkajs';",
      'export { logLevel } from "kafkajs";',
      'import "kafkajs";',
      'const k = await import("kafkajs");',
      'const k = require("kafkajs");',
      'import type { Broker } from "kafkajs/types";',
      'import {\n  type Consumer,\n  type Kafka,\n} from "kafkajs";',
    ]) {
      expect({ line, matches: KAFKAJS_IMPORT.test(line) }).toEqual({ line, matches: true });
    }
    for (const line of [
      'import { Kafka } from "@twinstate/runtime";',
      " * kafkajs has no manual partition assignment (kafkajs issue #1527)",
      'import { x } from "kafkajs-like";',
      'const name = "kafkajs";',
    ]) {
      expect({ line, matches: KAFKAJS_IMPORT.test(line) }).toEqual({ line, matches: false });
    }
  });

  test("no file under services/drift/src imports kafkajs (use @twinstate/runtime)", () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(10);
    const offenders = files
      .filter((file) => KAFKAJS_IMPORT.test(readFileSync(file, "utf8")))
      .map((file) => relative(SRC, file));
    expect(offenders).toEqual([]);
  });
});
