import { TwinstateError, type TwinstateErrorOptions } from "./twinstate-error.ts";

/**
 * Logged by the lifecycle when shutdown hooks did not finish within the grace period, just before the process
 * is forced to exit; names the hooks still pending.
 *
 * Code `SHUTDOWN_TIMEOUT`.
 */
export class ShutdownTimeoutError extends TwinstateError {
  declare readonly code: "SHUTDOWN_TIMEOUT";
  /** Hooks that had not finished when the grace period ran out. */
  readonly pendingHooks: readonly string[];

  constructor(graceMs: number, pendingHooks: readonly string[], options: TwinstateErrorOptions = {}) {
    super("SHUTDOWN_TIMEOUT", `shutdown did not finish within ${graceMs} ms (pending: ${pendingHooks.join(", ")})`, {
      ...options,
      details: { graceMs, pendingHooks, ...options.details },
    });
    this.pendingHooks = pendingHooks;
  }
}
