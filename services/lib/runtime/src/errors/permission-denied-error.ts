import { TwinstateError, type TwinstateErrorOptions } from "./twinstate-error.ts";

/**
 * Thrown when an authenticated caller asks for something outside its tenant scopes.
 *
 * Code `PERMISSION_DENIED`.
 */
export class PermissionDeniedError extends TwinstateError {
  declare readonly code: "PERMISSION_DENIED";

  constructor(message: string, options: TwinstateErrorOptions = {}) {
    super("PERMISSION_DENIED", message, options);
  }
}
