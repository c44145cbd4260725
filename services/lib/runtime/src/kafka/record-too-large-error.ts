import { ResourceExhaustedError } from "../errors/resource-exhausted-error.ts";
import type { TwinstateErrorOptions } from "../errors/twinstate-error.ts";

/**
 * An output record larger than the processor's `maxRecordBytes` (the broker's `message.max.bytes`): the broker
 * would reject it in every retry, so the {@link TransactionalBatchProcessor} does not send it and reports it
 * through `onRecordTooLarge` (and `twinstate_kafka_oversized_records_total`) instead of aborting forever.
 *
 * Code `RESOURCE_EXHAUSTED` (the closed code list), `reason` `RECORD_TOO_LARGE`; never retriable: the same input
 * produces the same record.
 */
export class RecordTooLargeError extends ResourceExhaustedError {
  /** Stable sub-reason, for logs and dead-letter records. */
  readonly reason = "RECORD_TOO_LARGE" as const;
  /** Estimated encoded size of the record (bytes). */
  readonly bytes: number;
  /** The limit it exceeded (bytes). */
  readonly limit: number;

  constructor(message: string, bytes: number, limit: number, options: TwinstateErrorOptions = {}) {
    super(message, { ...options, retriable: false, details: { ...options.details, bytes, limit } });
    this.bytes = bytes;
    this.limit = limit;
  }
}
