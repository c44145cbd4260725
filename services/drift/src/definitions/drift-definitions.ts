import type { DetectorSuiteConfig } from "@twinstate/drift-detectors";
import { parse as parseYaml } from "yaml";
import { type DriftBlock, type DriftBlockIssue, parseDriftBlock, suiteConfigFor } from "./drift-config-schema.ts";

/** What became of one twin class version's drift block. */
export type DriftDefinitionOutcome =
  | { readonly kind: "accepted"; readonly classKey: string }
  | { readonly kind: "invalid"; readonly classKey: string; readonly issues: readonly DriftBlockIssue[] }
  | { readonly kind: "unreadable"; readonly message: string };

/**
 * The drift configuration of every known twin class version, keyed `class/version`.
 *
 * Why per version: every estimate names the class version that produced it and the drift service runs the
 * detectors that version declares. A version whose drift block is invalid runs the library defaults (and
 * the problem is logged naming the key), because a bad block must not silence drift detection entirely.
 * A class version never seen (its definition not loaded here) also runs the defaults.
 */
export class DriftDefinitions {
  readonly #blocks = new Map<string, DriftBlock>();

  /** Registers a class version's drift block (the `drift:` value of its document; undefined = none). */
  put(twinClassId: string, version: number, driftBlock: unknown): DriftDefinitionOutcome {
    const classKey = `${twinClassId}/${version}`;
    const parsed = parseDriftBlock(driftBlock);
    if (!parsed.ok) {
      this.#blocks.delete(classKey);
      return { kind: "invalid", classKey, issues: parsed.issues };
    }
    this.#blocks.set(classKey, parsed.block);
    return { kind: "accepted", classKey };
  }

  /**
   * Registers a twin definition document (YAML or JSON text, as in files and on twin.definitions.v1): reads
   * its `twinClass`, `version` and `drift` fields. The rest of the document is the assimilation service's.
   */
  putDocument(text: string): DriftDefinitionOutcome {
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (error) {
      return { kind: "unreadable", message: error instanceof Error ? error.message : String(error) };
    }
    if (typeof doc !== "object" || doc === null) return { kind: "unreadable", message: "document is not an object" };
    const { twinClass, version, drift } = doc as { twinClass?: unknown; version?: unknown; drift?: unknown };
    if (typeof twinClass !== "string" || typeof version !== "number" || !Number.isInteger(version)) {
      return { kind: "unreadable", message: "document has no twinClass (string) and version (integer)" };
    }
    return this.put(twinClass, version, drift);
  }

  /** The detector configuration of `sensor` under a class version (defaults when unknown). */
  configFor(twinClassId: string, version: number, sensor: string): DetectorSuiteConfig {
    const block = this.#blocks.get(`${twinClassId}/${version}`);
    return block === undefined ? {} : suiteConfigFor(block, sensor);
  }

  /** Number of class versions with a (valid) drift block. */
  get size(): number {
    return this.#blocks.size;
  }
}

/** A canonical text of a suite configuration (sorted keys), so equal configurations compare equal. */
export function configFingerprint(config: DetectorSuiteConfig): string {
  return JSON.stringify(config, (_key, value: unknown) =>
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  );
}
