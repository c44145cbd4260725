import { TwinstateError, type TwinstateErrorOptions } from "./twinstate-error.ts";

/**
 * Thrown by the lifecycle when a start-up hook fails; names the hook so the log says which component could not
 * start, and keeps the original failure as `cause`.
 *
 * Code `STARTUP_FAILED`.
 */
export class StartupError extends TwinstateError {
  declare readonly code: "STARTUP_FAILED";
  /** Name of the start-up hook that failed. */
  readonly hook: string;

  constructor(hook: string, cause: unknown, options: Omit<TwinstateErrorOptions, "cause"> = {}) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super("STARTUP_FAILED", `start-up hook "${hook}" failed: ${reason}`, {
      ...options,
      cause,
      details: { hook, ...options.details },
    });
    this.hook = hook;
  }
}
