import { TwinstateError, type TwinstateErrorOptions } from "./twinstate-error.ts";

/**
 * Thrown when a Kafka transaction was aborted (handler failure, fencing, rebalance); the batch is re-processed from its first offset, so retrying is safe.
 *
 * Code `TRANSACTION_ABORTED`.
 */
export class TransactionAbortedError extends TwinstateError {
  declare readonly code: "TRANSACTION_ABORTED";

  constructor(message: string, options: TwinstateErrorOptions = {}) {
    super("TRANSACTION_ABORTED", message, options);
  }
}
