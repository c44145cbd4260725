import type { CompiledContract, CompiledSensorType } from "./compiled-contract.ts";
import { ContractError } from "./contract-error.ts";

/** Result of looking a reading's tenant and sensor up in the registry. */
export type ContractLookup =
  | { readonly kind: "found"; readonly type: CompiledSensorType }
  /** The tenant has no contract of its own, and no every-tenant contract declares the sensor. */
  | { readonly kind: "no-contract" }
  /** The tenant has contracts of its own, but neither they nor an every-tenant contract declare the sensor. */
  | { readonly kind: "unknown-sensor" };

/** What {@link ContractRegistry.put} did with a contract. */
export type ContractPutOutcome = "added" | "replaced" | "stale";

const NO_CONTRACT: ContractLookup = { kind: "no-contract" };
const UNKNOWN_SENSOR: ContractLookup = { kind: "unknown-sensor" };

/**
 * The contracts in force, indexed by tenant and sensor name; the highest version of each contract id wins.
 *
 * Why an index rebuilt on change: lookups run per reading and changes are rare, so a put rebuilds the
 * `tenant → sensor → type` maps (copy-on-write) and a lookup is two Map reads. A tenant-specific contract
 * takes precedence over one for every tenant (`tenant: ""`) declaring the same sensor. Two contracts of one
 * tenant scope may not declare the same sensor: the later put is refused with a {@link ContractError} and the
 * registry stays as it was.
 */
export class ContractRegistry {
  readonly #byId = new Map<string, CompiledContract>();
  #index = new Map<string, Map<string, CompiledSensorType>>();

  constructor(contracts: Iterable<CompiledContract> = []) {
    for (const c of contracts) this.put(c);
  }

  /** Adds or replaces a contract; an older or equal version than the one held is ignored (`"stale"`). */
  put(contract: CompiledContract): ContractPutOutcome {
    const current = this.#byId.get(contract.id);
    if (current !== undefined && current.version >= contract.version) return "stale";
    const next = new Map(this.#byId);
    next.set(contract.id, contract);
    this.#index = buildIndex(next.values(), contract);
    this.#byId.set(contract.id, contract);
    return current === undefined ? "added" : "replaced";
  }

  /** Removes a contract (a tombstone on the contracts topic); true when it was held. */
  remove(id: string): boolean {
    if (!this.#byId.delete(id)) return false;
    this.#index = buildIndex(this.#byId.values(), undefined);
    return true;
  }

  /** The contract type that governs `sensor` of `tenant`. */
  lookup(tenant: string, sensor: string): ContractLookup {
    const own = this.#index.get(tenant);
    const hit = own?.get(sensor) ?? this.#index.get("")?.get(sensor);
    if (hit !== undefined) return { kind: "found", type: hit };
    return own === undefined ? NO_CONTRACT : UNKNOWN_SENSOR;
  }

  /** The contract held for an id. */
  get(id: string): CompiledContract | undefined {
    return this.#byId.get(id);
  }

  /** Every contract held, by id. */
  list(): CompiledContract[] {
    return [...this.#byId.values()];
  }

  get size(): number {
    return this.#byId.size;
  }
}

function buildIndex(
  contracts: Iterable<CompiledContract>,
  incoming: CompiledContract | undefined,
): Map<string, Map<string, CompiledSensorType>> {
  const index = new Map<string, Map<string, CompiledSensorType>>();
  const ordered = [...contracts].sort((a, b) => (a === incoming ? 1 : b === incoming ? -1 : 0));
  for (const c of ordered) {
    let byTenant = index.get(c.tenant);
    if (byTenant === undefined) index.set(c.tenant, (byTenant = new Map()));
    for (const t of c.types) {
      for (const s of t.sensors) {
        const other = byTenant.get(s);
        if (other !== undefined && other.contractId !== c.id) {
          throw new ContractError(
            c.source,
            "sensorTypes",
            `sensor "${s}" of tenant "${c.tenant || "*"}" is already declared by contract "${other.contractId}"`,
          );
        }
        byTenant.set(s, t);
      }
    }
  }
  return index;
}
