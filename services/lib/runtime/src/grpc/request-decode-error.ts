import { status } from "@grpc/grpc-js";

/**
 * Thrown (inside the server) when a request message cannot be decoded from its protobuf bytes.
 *
 * Why: @grpc/grpc-js answers a throwing `requestDeserialize` with INTERNAL, but a malformed request
 * is the caller's fault. The server-side definition therefore hands this error to the handler
 * instead of a message, and the call fails with INVALID_ARGUMENT like any typed error.
 */
export class RequestDecodeError extends Error {
  /** Stable code, sent in the `twinstate-error-code` trailer. */
  readonly code = "INVALID_ARGUMENT";
  /** gRPC status of a call failing with this error. */
  readonly grpcStatus = status.INVALID_ARGUMENT;

  constructor(typeName: string, cause: unknown) {
    super(`cannot decode ${typeName}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "RequestDecodeError";
  }
}
