import type { UnitConversion, UnitDefinition } from "../units/index.ts";
import type { DedupSettings, OptionalReadingField, RateLimitSettings, SkewSettings } from "./contract-document.ts";

/**
 * One sensor type of a contract, resolved for the hot path: units looked up, limits merged with the contract's
 * defaults and the built-in ones, conversions cached per arriving unit.
 *
 * Why precompiled: the validator runs per reading; everything that depends only on the contract is done once
 * when the contract loads.
 */
export interface CompiledSensorType {
  readonly contractId: string;
  readonly contractVersion: number;
  /** Tenant the contract applies to; `""` for every tenant. */
  readonly tenant: string;
  /** The sensor type name. */
  readonly type: string;
  /** Key of this type's deduplication and rate state: `contractId#type` (stable across versions). */
  readonly stateKey: string;
  readonly sensors: readonly string[];
  /** The canonical unit as the contract writes it (copied to ValidatedReading.canonical_unit). */
  readonly canonicalSymbol: string;
  readonly canonicalUnit: UnitDefinition;
  /** Units a reading may arrive in; undefined means every unit of the canonical unit's dimension. */
  readonly acceptedUnits: ReadonlySet<UnitDefinition> | undefined;
  /** Conversion from each accepted arriving unit to the canonical unit (filled lazily, bounded by the table). */
  readonly conversions: Map<UnitDefinition, UnitConversion>;
  readonly min: number;
  readonly max: number;
  /** Components of a vector reading; 0 for a scalar. */
  readonly vectorLength: number;
  readonly rate: RateLimitSettings | undefined;
  readonly skew: SkewSettings;
  readonly dedup: DedupSettings;
  readonly maxPayloadBytes: number;
  readonly maxAttributes: number;
  readonly requiredFields: ReadonlySet<OptionalReadingField>;
  readonly requiredAttributes: readonly string[];
}

/** A loaded, validated contract: its identity and its compiled sensor types. */
export interface CompiledContract {
  readonly id: string;
  readonly version: number;
  /** `""` means every tenant. */
  readonly tenant: string;
  /** Where it was loaded from (file path or topic position), for logs and errors. */
  readonly source: string;
  readonly types: readonly CompiledSensorType[];
}

/** Limits used when neither the sensor type nor the contract's `defaults` sets them. */
export const BUILTIN_LIMITS = {
  skew: { futureMs: 5_000, pastMs: 7 * 24 * 3600 * 1000 },
  dedup: { windowMs: 10 * 60 * 1000, maxKeys: 100_000 },
  maxPayloadBytes: 4096,
  maxAttributes: 32,
} as const;
