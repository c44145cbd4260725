import { DefinitionError } from "./definition-error.ts";
import type { TwinClass } from "./twin-class.ts";
import type { AssetBindingDocument } from "./twin-definition-schema.ts";

/** A binding resolved to the class version it names now. */
export interface ResolvedBinding {
  readonly binding: AssetBindingDocument;
  readonly twinClass: TwinClass;
}

/** Outcome of {@link DefinitionCatalog.putClass}. */
export type PutClassOutcome = "added" | "unchanged";

/**
 * The twin class versions and asset bindings a worker knows, loaded from files and from the compacted
 * twin.definitions.v1 topic.
 *
 * Why versions are immutable: every estimate names the class version that produced it, so a version that
 * changed after publication would make old estimates lie; re-publishing the same text is a no-op and
 * different text under an existing version is refused ({@link DefinitionConflictError}).
 * A binding with version 0 follows the latest version of its class.
 */
export class DefinitionCatalog {
  readonly #classes = new Map<string, Map<number, TwinClass>>();
  readonly #bindings = new Map<string, AssetBindingDocument>();

  /** Adds a class version; the same text again is a no-op. @throws DefinitionConflictError on different text */
  putClass(twinClass: TwinClass): PutClassOutcome {
    let versions = this.#classes.get(twinClass.id);
    if (versions === undefined) {
      versions = new Map();
      this.#classes.set(twinClass.id, versions);
    }
    const existing = versions.get(twinClass.version);
    if (existing !== undefined) {
      if (existing.text === twinClass.text) return "unchanged";
      throw new DefinitionConflictError(twinClass.id, twinClass.version);
    }
    versions.set(twinClass.version, twinClass);
    return "added";
  }

  /** The class version, or undefined. Version 0 is the latest version. */
  getClass(id: string, version: number): TwinClass | undefined {
    const versions = this.#classes.get(id);
    if (versions === undefined) return undefined;
    if (version !== 0) return versions.get(version);
    let latest: TwinClass | undefined;
    for (const c of versions.values()) if (latest === undefined || c.version > latest.version) latest = c;
    return latest;
  }

  /** Every class version, ordered by id then version. */
  classes(): TwinClass[] {
    return [...this.#classes.values()]
      .flatMap((v) => [...v.values()])
      .sort((a, b) => (a.id === b.id ? a.version - b.version : a.id < b.id ? -1 : 1));
  }

  /**
   * Sets the binding of `binding.asset` (replacing an older one).
   * @throws DefinitionError when its class version is unknown (checked so a typo fails at bind time)
   */
  bind(binding: AssetBindingDocument, source: string): void {
    if (this.getClass(binding.twinClass, binding.version) === undefined) {
      throw new DefinitionError(source, [
        {
          field: "twinClass",
          message: `unknown twin class ${binding.twinClass} version ${binding.version === 0 ? "latest" : binding.version}`,
        },
      ]);
    }
    this.#bindings.set(binding.asset, binding);
  }

  /** The binding of "tenant/asset", or undefined. */
  binding(key: string): AssetBindingDocument | undefined {
    return this.#bindings.get(key);
  }

  /** The binding of "tenant/asset" with its class resolved now, or undefined when unbound or unresolvable. */
  resolve(key: string): ResolvedBinding | undefined {
    const binding = this.#bindings.get(key);
    if (binding === undefined) return undefined;
    const twinClass = this.getClass(binding.twinClass, binding.version);
    return twinClass === undefined ? undefined : { binding, twinClass };
  }

  /** Number of bindings. */
  get bindingCount(): number {
    return this.#bindings.size;
  }
}

/** A class version was published again with different text (versions are immutable). */
export class DefinitionConflictError extends Error {
  readonly code = "DEFINITION_VERSION_EXISTS";
  readonly twinClassId: string;
  readonly version: number;
  constructor(twinClassId: string, version: number) {
    super(`twin class ${twinClassId} version ${version} already exists with a different document`);
    this.name = "DefinitionConflictError";
    this.twinClassId = twinClassId;
    this.version = version;
  }
}
