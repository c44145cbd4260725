import { TwinstateError, type TwinstateErrorOptions } from "./twinstate-error.ts";

/**
 * Thrown when a lifecycle operation is called in the wrong state (registering a hook after start, starting twice).
 *
 * Code `LIFECYCLE_STATE`.
 */
export class LifecycleStateError extends TwinstateError {
  declare readonly code: "LIFECYCLE_STATE";

  constructor(message: string, options: TwinstateErrorOptions = {}) {
    super("LIFECYCLE_STATE", message, options);
  }
}
