import { TwinstateError, type TwinstateErrorOptions } from "./twinstate-error.ts";

/**
 * Thrown when a requested entity (a twin, an asset, a definition version) does not exist.
 *
 * Code `NOT_FOUND`.
 */
export class NotFoundError extends TwinstateError {
  declare readonly code: "NOT_FOUND";

  constructor(message: string, options: TwinstateErrorOptions = {}) {
    super("NOT_FOUND", message, options);
  }
}
