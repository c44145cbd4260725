import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ContractFormat, type DataContract, DataContractSchema } from "@twinstate/proto";
import type { UnitRegistry } from "../units/index.ts";
import type { CompiledContract } from "./compiled-contract.ts";
import { ContractError } from "./contract-error.ts";
import { type ContractTextFormat, parseContracts } from "./parse-contract.ts";

/** Key prefix of contract records on the compacted contracts topic: `contract/<id>`. */
export const CONTRACT_KEY_PREFIX = "contract/";

/**
 * Wraps one contract document into the DataContract envelope published (keyed `contract/<id>`) on the
 * compacted contracts topic, after checking it exactly as a file would be checked.
 *
 * Why check before publishing: a broken document on the topic would be refused by every ingest instance;
 * refusing it at the publisher names the problem where it can be fixed.
 */
export function contractEnvelope(
  text: string,
  format: ContractTextFormat,
  source: string,
  units: UnitRegistry,
  nowMs: number = Date.now(),
): { readonly key: string; readonly value: Uint8Array; readonly contract: CompiledContract } {
  const contracts = parseContracts(text, format, source, units);
  if (contracts.length !== 1) throw new ContractError(source, "", "a topic record carries exactly one contract");
  const contract = contracts[0]!;
  const envelope = create(DataContractSchema, {
    id: contract.id,
    version: contract.version,
    format: format === "json" ? ContractFormat.JSON : ContractFormat.YAML,
    document: text,
    createdAt: timestampFromMs(nowMs),
    tenant: contract.tenant,
  });
  return { key: CONTRACT_KEY_PREFIX + contract.id, value: toBinary(DataContractSchema, envelope), contract };
}

/**
 * Reads a contract record of the contracts topic: the compiled contract, or `{ removed: id }` for a tombstone.
 * Throws {@link ContractError} (naming `source` and the field) when the envelope or its document is invalid or
 * they disagree on id, version or tenant.
 */
export function readContractRecord(
  key: string | null,
  value: Uint8Array | null,
  source: string,
  units: UnitRegistry,
): CompiledContract | { readonly removed: string } {
  if (key === null || !key.startsWith(CONTRACT_KEY_PREFIX)) {
    throw new ContractError(source, "", `record key must be "${CONTRACT_KEY_PREFIX}<id>", got ${JSON.stringify(key)}`);
  }
  const keyId = key.slice(CONTRACT_KEY_PREFIX.length);
  if (value === null || value.length === 0) return { removed: keyId };
  let envelope: DataContract;
  try {
    envelope = fromBinary(DataContractSchema, value);
  } catch (error) {
    throw new ContractError(source, "", `not a DataContract envelope: ${(error as Error).message}`, { cause: error });
  }
  const format: ContractTextFormat | undefined =
    envelope.format === ContractFormat.JSON ? "json" : envelope.format === ContractFormat.YAML ? "yaml" : undefined;
  if (format === undefined) throw new ContractError(source, "format", "unspecified contract format");
  const contracts = parseContracts(envelope.document, format, source, units);
  if (contracts.length !== 1)
    throw new ContractError(source, "document", "a topic record carries exactly one contract");
  const contract = contracts[0]!;
  if (contract.id !== keyId || contract.id !== envelope.id) {
    throw new ContractError(
      source,
      "id",
      `key, envelope and document disagree on the id (${keyId}, ${envelope.id}, ${contract.id})`,
    );
  }
  if (contract.version !== envelope.version) {
    throw new ContractError(
      source,
      "version",
      `envelope version ${envelope.version} ≠ document version ${contract.version}`,
    );
  }
  if (contract.tenant !== envelope.tenant) {
    throw new ContractError(
      source,
      "tenant",
      `envelope tenant "${envelope.tenant}" ≠ document tenant "${contract.tenant}"`,
    );
  }
  return contract;
}
