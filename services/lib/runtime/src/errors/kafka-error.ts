import { TwinstateError, type TwinstateErrorOptions } from "./twinstate-error.ts";

/**
 * Thrown by the Kafka seam when a client operation fails (connect, send, commit, admin); `retriable` carries
 * the client's own verdict so consumers can rethrow retriable failures and leave offsets uncommitted.
 *
 * Code `KAFKA`.
 */
export class KafkaError extends TwinstateError {
  declare readonly code: "KAFKA";

  constructor(message: string, options: TwinstateErrorOptions = {}) {
    super("KAFKA", message, options);
  }

  /** Wraps a kafkajs (or any) error thrown during `operation`, keeping the client's `retriable` verdict. */
  static wrap(operation: string, error: unknown, details: Readonly<Record<string, unknown>> = {}): KafkaError {
    if (error instanceof KafkaError) return error;
    const record = (typeof error === "object" && error !== null ? error : {}) as {
      name?: unknown;
      message?: unknown;
      retriable?: unknown;
    };
    const message = typeof record.message === "string" ? record.message : String(error);
    return new KafkaError(`${operation} failed: ${message}`, {
      cause: error,
      details: { operation, ...(typeof record.name === "string" ? { kafkaErrorName: record.name } : {}), ...details },
      retriable: record.retriable !== false,
    });
  }
}
