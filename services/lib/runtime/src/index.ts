// @twinstate/runtime — the public API. Everything a service's main.ts wires together.

// config
export {
  type BaseConfig,
  baseConfigSchema,
  type KafkaConfig,
  kafkaConfigSchema,
  logLevels,
  saslMechanisms,
} from "./config/base-config-schema.ts";
export { baseEnvBindings, type EnvBinding } from "./config/env-binding.ts";
export { configFileEnvVar, type LoadConfigOptions, loadConfig } from "./config/load-config.ts";
// errors
export { ConfigError, type ConfigIssue } from "./errors/config-error.ts";
export { type ErrorCode, errorCodes, grpcStatusByErrorCode, isErrorCode } from "./errors/error-code.ts";
export { InvalidArgumentError } from "./errors/invalid-argument-error.ts";
export { KafkaError } from "./errors/kafka-error.ts";
export { LifecycleStateError } from "./errors/lifecycle-state-error.ts";
export { NotFoundError } from "./errors/not-found-error.ts";
export { PermissionDeniedError } from "./errors/permission-denied-error.ts";
export { ResourceExhaustedError } from "./errors/resource-exhausted-error.ts";
export { ShutdownTimeoutError } from "./errors/shutdown-timeout-error.ts";
export { StartupError } from "./errors/startup-error.ts";
export { TransactionAbortedError } from "./errors/transaction-aborted-error.ts";
export { defaultRetriable, TwinstateError, type TwinstateErrorOptions } from "./errors/twinstate-error.ts";
export { UnauthenticatedError } from "./errors/unauthenticated-error.ts";
export { UnavailableError } from "./errors/unavailable-error.ts";
