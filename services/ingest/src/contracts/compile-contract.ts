import { type UnitConversion, type UnitDefinition, type UnitRegistry, unitConversion } from "../units/index.ts";
import { BUILTIN_LIMITS, type CompiledContract, type CompiledSensorType } from "./compiled-contract.ts";
import type { ContractDocument } from "./contract-document.ts";
import { ContractError } from "./contract-error.ts";

/**
 * Turns a schema-valid contract document into a {@link CompiledContract}, checking what the schema cannot:
 * every unit is in the unit table, accepted units share the canonical unit's dimension, `range.min ≤ range.max`
 * and no sensor name appears in two sensor types.
 *
 * Why separate from parsing: these checks need the unit table, and each error still names the field path
 * (`sensorTypes[0].acceptedUnits[2]`) so the author finds it.
 */
export function compileContract(doc: ContractDocument, source: string, units: UnitRegistry): CompiledContract {
  const seen = new Map<string, string>();
  const types: CompiledSensorType[] = [];
  const d = doc.defaults ?? {};
  const typeNames = new Set<string>();
  doc.sensorTypes.forEach((t, i) => {
    const at = `sensorTypes[${i}]`;
    if (typeNames.has(t.type)) throw new ContractError(source, `${at}.type`, `sensor type "${t.type}" declared twice`);
    typeNames.add(t.type);
    t.sensors.forEach((s, j) => {
      const other = seen.get(s);
      if (other !== undefined) {
        throw new ContractError(source, `${at}.sensors[${j}]`, `sensor "${s}" is already declared by type "${other}"`);
      }
      seen.set(s, t.type);
    });
    const canonical = units.resolve(t.unit);
    if (canonical === undefined) throw new ContractError(source, `${at}.unit`, `unknown unit "${t.unit}"`);
    let accepted: Set<UnitDefinition> | undefined;
    if (t.acceptedUnits !== undefined) {
      accepted = new Set([canonical]);
      t.acceptedUnits.forEach((a, j) => {
        const def = units.resolve(a);
        if (def === undefined) throw new ContractError(source, `${at}.acceptedUnits[${j}]`, `unknown unit "${a}"`);
        if (def.dimension !== canonical.dimension) {
          throw new ContractError(
            source,
            `${at}.acceptedUnits[${j}]`,
            `unit "${a}" is a ${def.dimension}, not a ${canonical.dimension} like "${t.unit}"`,
          );
        }
        accepted!.add(def);
      });
    }
    const min = t.range?.min ?? Number.NEGATIVE_INFINITY;
    const max = t.range?.max ?? Number.POSITIVE_INFINITY;
    if (min > max) throw new ContractError(source, `${at}.range`, `min ${min} is greater than max ${max}`);
    types.push({
      contractId: doc.id,
      contractVersion: doc.version,
      tenant: doc.tenant ?? "",
      type: t.type,
      stateKey: `${doc.id}#${t.type}`,
      sensors: t.sensors,
      canonicalSymbol: t.unit,
      canonicalUnit: canonical,
      acceptedUnits: accepted,
      conversions: new Map(),
      min,
      max,
      vectorLength: t.vectorLength ?? 0,
      rate: t.rate ?? d.rate,
      skew: t.skew ?? d.skew ?? BUILTIN_LIMITS.skew,
      dedup: t.dedup ?? d.dedup ?? BUILTIN_LIMITS.dedup,
      maxPayloadBytes: t.maxPayloadBytes ?? d.maxPayloadBytes ?? BUILTIN_LIMITS.maxPayloadBytes,
      maxAttributes: t.maxAttributes ?? d.maxAttributes ?? BUILTIN_LIMITS.maxAttributes,
      requiredFields: new Set(t.requiredFields ?? d.requiredFields ?? []),
      requiredAttributes: t.requiredAttributes ?? d.requiredAttributes ?? [],
    });
  });
  return { id: doc.id, version: doc.version, tenant: doc.tenant ?? "", source, types };
}

/** The conversion from `from` to the type's canonical unit, cached on the type; undefined when not accepted. */
export function conversionFor(type: CompiledSensorType, from: UnitDefinition): UnitConversion | undefined {
  const cached = type.conversions.get(from);
  if (cached !== undefined) return cached;
  if (type.acceptedUnits !== undefined && !type.acceptedUnits.has(from)) return undefined;
  const c = unitConversion(from, type.canonicalUnit);
  if (c !== undefined) type.conversions.set(from, c);
  return c;
}
