export { compileContract, conversionFor } from "./compile-contract.ts";
export { BUILTIN_LIMITS, type CompiledContract, type CompiledSensorType } from "./compiled-contract.ts";
export {
  type ContractDocument,
  contractDocumentSchema,
  type DedupSettings,
  OPTIONAL_READING_FIELDS,
  type OptionalReadingField,
  type RateLimitSettings,
  type SensorTypeDocument,
  type SkewSettings,
} from "./contract-document.ts";
export { CONTRACT_KEY_PREFIX, contractEnvelope, readContractRecord } from "./contract-envelope.ts";
export { ContractError } from "./contract-error.ts";
export { type ContractLookup, type ContractPutOutcome, ContractRegistry } from "./contract-registry.ts";
export { loadContractDirectory } from "./load-contract-directory.ts";
export { type ContractTextFormat, formatFieldPath, parseContracts } from "./parse-contract.ts";
