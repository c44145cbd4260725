import { TwinstateError, type TwinstateErrorOptions } from "./twinstate-error.ts";

/**
 * Thrown when an input exceeds a size or rate limit; retriable after backing off.
 *
 * Code `RESOURCE_EXHAUSTED`.
 */
export class ResourceExhaustedError extends TwinstateError {
  declare readonly code: "RESOURCE_EXHAUSTED";

  constructor(message: string, options: TwinstateErrorOptions = {}) {
    super("RESOURCE_EXHAUSTED", message, options);
  }
}
