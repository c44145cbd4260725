import { Metadata, status } from "@grpc/grpc-js";

/** The status a failed call answers with: what `@grpc/grpc-js` accepts as a server error. */
export interface GrpcErrorStatus {
  /** gRPC status code (never OK). */
  readonly code: status;
  /** Status message sent to the client. */
  readonly details: string;
  /** Trailing metadata; carries `twinstate-error-code` when the error had a stable string code. */
  readonly metadata: Metadata;
}

/** Trailer carrying a twinstate error's stable string code (e.g. `NOT_FOUND`, `NON_FINITE_INPUT`). */
export const errorCodeTrailer = "twinstate-error-code";

const maxStatusCode = 16;

/**
 * Converts anything a handler threw into the gRPC status the call fails with.
 *
 * Why: handlers throw typed errors (`TwinstateError` and subclasses carry a numeric `grpcStatus`
 * and a string `code`); clients need the matching status, not a generic UNKNOWN. The check is
 * structural (a numeric `grpcStatus` in 1..16) so this helper needs no import of the error classes.
 * Anything else becomes INTERNAL with a fixed message, so internal details never leak to callers
 * (the server's `onCallError` hook sees the original for logging).
 */
export function grpcStatusFromError(error: unknown): GrpcErrorStatus {
  const metadata = new Metadata();
  if (typeof error === "object" && error !== null) {
    const { grpcStatus, code, message } = error as { grpcStatus?: unknown; code?: unknown; message?: unknown };
    if (
      typeof grpcStatus === "number" &&
      Number.isInteger(grpcStatus) &&
      grpcStatus > 0 &&
      grpcStatus <= maxStatusCode
    ) {
      if (typeof code === "string" && code !== "") metadata.set(errorCodeTrailer, code);
      return { code: grpcStatus, details: typeof message === "string" ? message : "", metadata };
    }
  }
  return { code: status.INTERNAL, details: "internal error", metadata };
}
