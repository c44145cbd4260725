import { TwinstateError, type TwinstateErrorOptions } from "./twinstate-error.ts";

/**
 * Thrown when a dependency is temporarily unreachable or the service is not ready (starting, stopping); retriable.
 *
 * Code `UNAVAILABLE`.
 */
export class UnavailableError extends TwinstateError {
  declare readonly code: "UNAVAILABLE";

  constructor(message: string, options: TwinstateErrorOptions = {}) {
    super("UNAVAILABLE", message, options);
  }
}
