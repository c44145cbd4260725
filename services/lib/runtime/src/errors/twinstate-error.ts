import { status } from "@grpc/grpc-js";
import { type ErrorCode, grpcStatusByErrorCode } from "./error-code.ts";

/** Options every twinstate error accepts. */
export interface TwinstateErrorOptions {
  /** The underlying error, kept for logs (`err.cause`). */
  readonly cause?: unknown;
  /** Structured, JSON-safe facts about the failure (which key, which partition…). */
  readonly details?: Readonly<Record<string, unknown>>;
  /**
   * Whether retrying the same operation may succeed. Defaults per code (see {@link defaultRetriable}).
   * kafkajs reads a `retriable === false` property on errors thrown from a consumer handler and then stops
   * the consumer instead of retrying: this property is named the same on purpose.
   */
  readonly retriable?: boolean;
}

const retriableCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "KAFKA",
  "TRANSACTION_ABORTED",
  "UNAVAILABLE",
  "DEADLINE_EXCEEDED",
  "RESOURCE_EXHAUSTED",
  "STARTUP_FAILED",
]);

/** Whether errors with this code are retriable unless the thrower says otherwise. */
export function defaultRetriable(code: ErrorCode): boolean {
  return retriableCodes.has(code);
}

const grpcStatusToCode = new Map<number, ErrorCode>([
  [status.CANCELLED, "CANCELLED"],
  [status.INVALID_ARGUMENT, "INVALID_ARGUMENT"],
  [status.DEADLINE_EXCEEDED, "DEADLINE_EXCEEDED"],
  [status.NOT_FOUND, "NOT_FOUND"],
  [status.ALREADY_EXISTS, "ALREADY_EXISTS"],
  [status.PERMISSION_DENIED, "PERMISSION_DENIED"],
  [status.RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED"],
  [status.FAILED_PRECONDITION, "FAILED_PRECONDITION"],
  [status.ABORTED, "TRANSACTION_ABORTED"],
  [status.UNIMPLEMENTED, "UNIMPLEMENTED"],
  [status.UNAVAILABLE, "UNAVAILABLE"],
  [status.UNAUTHENTICATED, "UNAUTHENTICATED"],
]);

/**
 * The one error type every twinstate component throws: a stable string `code`, the gRPC `grpcStatus` it maps
 * to, the `cause` and JSON-safe `details`.
 *
 * Why: logs, metrics and gRPC clients match on `code`, never on message text; the gRPC server helper reads
 * `grpcStatus` to answer a failed call; `from()` turns anything caught into one of these so a catch block
 * never has to guess what it holds. Subclasses (one per condition) fix the code.
 */
export class TwinstateError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  /** The gRPC status number (`@grpc/grpc-js` `status`) a call failing with this error returns. */
  readonly grpcStatus: number;
  /** Structured facts about the failure. */
  readonly details: Readonly<Record<string, unknown>>;
  /** Whether retrying may succeed (also read by kafkajs, see {@link TwinstateErrorOptions.retriable}). */
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: TwinstateErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.grpcStatus = grpcStatusByErrorCode[code];
    this.details = options.details ?? {};
    this.retriable = options.retriable ?? defaultRetriable(code);
  }

  /**
   * Normalises anything caught into a TwinstateError: twinstate errors pass through unchanged, gRPC service
   * errors keep their status, kafkajs errors become `KAFKA` (keeping their `retriable` flag), aborts become
   * `CANCELLED`, anything else becomes `INTERNAL` with the original as `cause`.
   */
  static from(value: unknown): TwinstateError {
    if (value instanceof TwinstateError) return value;
    if (isErrorLike(value)) {
      const record = value as Error & { code?: unknown; retriable?: unknown; details?: unknown };
      if (value.name.startsWith("KafkaJS")) {
        return new TwinstateError("KAFKA", value.message, {
          cause: value,
          details: { kafkaErrorName: value.name },
          retriable: record.retriable !== false,
        });
      }
      if (value.name === "AbortError") return new TwinstateError("CANCELLED", value.message, { cause: value });
      if (typeof record.code === "number" && typeof record.details === "string") {
        const code = grpcStatusToCode.get(record.code) ?? "INTERNAL";
        return new TwinstateError(code, record.details || value.message, {
          cause: value,
          details: { grpcStatus: record.code },
        });
      }
      return new TwinstateError("INTERNAL", value.message, { cause: value });
    }
    const message = typeof value === "string" ? value : `non-error value thrown: ${safeString(value)}`;
    return new TwinstateError("INTERNAL", message, { cause: value });
  }

  /** A JSON-safe view for logs and HTTP bodies (no stack, cause summarised). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      details: this.details,
      ...(isErrorLike(this.cause) ? { cause: `${this.cause.name}: ${this.cause.message}` } : {}),
    };
  }
}

/** `instanceof Error`, also across realms (a DOMException, an error from a vm context or a worker). */
function isErrorLike(value: unknown): value is Error {
  if (value instanceof Error) return true;
  if (typeof value !== "object" || value === null) return false;
  const record = value as { name?: unknown; message?: unknown };
  return typeof record.name === "string" && typeof record.message === "string";
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
