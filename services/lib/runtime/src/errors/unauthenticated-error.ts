import { TwinstateError, type TwinstateErrorOptions } from "./twinstate-error.ts";

/**
 * Thrown when a call carries no valid credentials (missing or unknown bearer token).
 *
 * Code `UNAUTHENTICATED`.
 */
export class UnauthenticatedError extends TwinstateError {
  declare readonly code: "UNAUTHENTICATED";

  constructor(message: string, options: TwinstateErrorOptions = {}) {
    super("UNAUTHENTICATED", message, options);
  }
}
