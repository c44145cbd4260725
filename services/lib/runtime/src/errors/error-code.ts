import { status } from "@grpc/grpc-js";

/**
 * The closed list of twinstate error codes, each mapped to the gRPC status a call failing with it returns.
 *
 * Why a closed list: codes are part of the contract (logs, metrics labels, gRPC clients match on them), so a
 * new condition is a deliberate edit here, not a string invented at a throw site.
 */
export const grpcStatusByErrorCode = {
  INVALID_CONFIG: status.FAILED_PRECONDITION,
  STARTUP_FAILED: status.UNAVAILABLE,
  SHUTDOWN_TIMEOUT: status.UNAVAILABLE,
  LIFECYCLE_STATE: status.FAILED_PRECONDITION,
  KAFKA: status.UNAVAILABLE,
  TRANSACTION_ABORTED: status.ABORTED,
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  NOT_FOUND: status.NOT_FOUND,
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  PERMISSION_DENIED: status.PERMISSION_DENIED,
  RESOURCE_EXHAUSTED: status.RESOURCE_EXHAUSTED,
  UNAVAILABLE: status.UNAVAILABLE,
  DEADLINE_EXCEEDED: status.DEADLINE_EXCEEDED,
  CANCELLED: status.CANCELLED,
  UNIMPLEMENTED: status.UNIMPLEMENTED,
  INTERNAL: status.INTERNAL,
} as const;

/** A stable twinstate error code (one of the keys of {@link grpcStatusByErrorCode}). */
export type ErrorCode = keyof typeof grpcStatusByErrorCode;

/** Every error code, in declaration order; lets callers validate a code read from the wire. */
export const errorCodes = Object.keys(grpcStatusByErrorCode) as readonly ErrorCode[];

/** Whether a string is one of the closed error codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(grpcStatusByErrorCode, value);
}
