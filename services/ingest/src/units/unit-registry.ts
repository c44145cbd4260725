import { CANONICAL_UNIT, type Dimension, UNIT_DEFINITIONS, type UnitDefinition } from "./unit-table.ts";

/**
 * Exact-key lookup of unit symbols and aliases, and the conversions between units of one dimension.
 *
 * Why: a reading's unit string is matched against a closed table (after NFKC normalization) and converted
 * with the table's affine map — never by pattern matching on the string, so `"mA"` can never be mistaken for
 * `"MA"` and an unknown spelling is reported as unknown rather than guessed.
 */
export class UnitRegistry {
  readonly #byKey = new Map<string, UnitDefinition>();
  readonly #definitions: readonly UnitDefinition[];

  constructor(definitions: readonly UnitDefinition[] = UNIT_DEFINITIONS) {
    this.#definitions = definitions;
    for (const def of definitions) {
      for (const key of [def.symbol, ...def.aliases]) {
        for (const k of new Set([key, key.normalize("NFKC")])) {
          const existing = this.#byKey.get(k);
          if (existing !== undefined && existing !== def) {
            throw new Error(`unit table: key "${k}" names both ${existing.symbol} and ${def.symbol}`);
          }
          this.#byKey.set(k, def);
        }
      }
    }
  }

  /** The unit named by `symbol` (a symbol or alias, case-sensitive, NFKC-normalized), or undefined. */
  resolve(symbol: string): UnitDefinition | undefined {
    return this.#byKey.get(symbol) ?? this.#byKey.get(symbol.normalize("NFKC"));
  }

  /** The canonical unit of a dimension. */
  canonicalOf(dimension: Dimension): UnitDefinition {
    return this.resolve(CANONICAL_UNIT[dimension])!;
  }

  /** Every unit known, in table order. */
  all(): readonly UnitDefinition[] {
    return this.#definitions;
  }
}

/**
 * An affine map between two units of one dimension:
 * `to = ((value + preOffset) · n1 / d1 + midOffset) · n2 / d2 + postOffset`.
 *
 * Why this shape: it is the composition `from → canonical → to` of the two table entries with no
 * re-association of the arithmetic, so a conversion into the canonical unit is bit-identical to the table's own
 * formula (and exact wherever the table entry is), and °C ↔ °F never leaves the ice-point-relative form.
 */
export interface UnitConversion {
  readonly from: UnitDefinition;
  readonly to: UnitDefinition;
  readonly preOffset: number;
  readonly n1: number;
  readonly d1: number;
  readonly midOffset: number;
  readonly n2: number;
  readonly d2: number;
  readonly postOffset: number;
}

/** Builds the conversion `from → to`; undefined when the dimensions differ. */
export function unitConversion(from: UnitDefinition, to: UnitDefinition): UnitConversion | undefined {
  if (from.dimension !== to.dimension) return undefined;
  if (from === to) return { from, to, preOffset: 0, n1: 1, d1: 1, midOffset: 0, n2: 1, d2: 1, postOffset: 0 };
  // canonical = (v + a1)·n1/d1 + b1 ; to = (canonical − b2)·d2/n2 − a2
  return {
    from,
    to,
    preOffset: from.preOffset,
    n1: from.numerator,
    d1: from.denominator,
    midOffset: from.postOffset - to.postOffset,
    n2: to.denominator,
    d2: to.numerator,
    postOffset: -to.preOffset,
  };
}

/** Applies a conversion to one value (see {@link UnitConversion} for the formula). */
export function convertValue(c: UnitConversion, value: number): number {
  let v = ((value + c.preOffset) * c.n1) / c.d1 + c.midOffset;
  if (c.n2 !== 1 || c.d2 !== 1) v = (v * c.n2) / c.d2;
  return v + c.postOffset;
}
