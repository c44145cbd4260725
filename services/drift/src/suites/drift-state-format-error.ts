import { TwinstateError } from "@twinstate/runtime";

/**
 * Thrown when a `drift.state.v1` record cannot be decoded (bad magic, unknown format, truncated, trailing
 * bytes). Code `INTERNAL` in the closed runtime list; `reason` names the condition precisely.
 *
 * Why it is not retriable: the same bytes decode the same way every time; the restore logs and skips the
 * key (its suite starts afresh) rather than looping.
 */
export class DriftStateFormatError extends TwinstateError {
  readonly reason = "DRIFT_STATE_FORMAT";

  constructor(message: string, details: Readonly<Record<string, unknown>> = {}) {
    super("INTERNAL", message, { details, retriable: false });
  }
}
