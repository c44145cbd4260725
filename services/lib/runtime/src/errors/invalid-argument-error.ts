import { TwinstateError, type TwinstateErrorOptions } from "./twinstate-error.ts";

/**
 * Thrown when a caller's input is malformed or out of range (a bad request, an undecodable message); retrying the same input fails again.
 *
 * Code `INVALID_ARGUMENT`.
 */
export class InvalidArgumentError extends TwinstateError {
  declare readonly code: "INVALID_ARGUMENT";

  constructor(message: string, options: TwinstateErrorOptions = {}) {
    super("INVALID_ARGUMENT", message, options);
  }
}
