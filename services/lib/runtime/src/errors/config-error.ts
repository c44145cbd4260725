import { TwinstateError, type TwinstateErrorOptions } from "./twinstate-error.ts";

/** One invalid configuration entry: where it came from and why it is wrong. */
export interface ConfigIssue {
  /** The offending source, e.g. `env KAFKA_BROKERS` or `file /etc/tw.yaml: kafka.brokers`. */
  readonly key: string;
  /** Why the value is rejected. */
  readonly reason: string;
}

/**
 * Thrown at start-up when configuration is missing or invalid; the message names every offending key
 * (environment variable name and/or config file path plus field) and why, so the operator fixes it in one go.
 *
 * Code `INVALID_CONFIG`.
 */
export class ConfigError extends TwinstateError {
  declare readonly code: "INVALID_CONFIG";
  /** Every invalid entry found (at least one). */
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options: Omit<TwinstateErrorOptions, "details"> = {}) {
    const lines = issues.map((issue) => `${issue.key}: ${issue.reason}`);
    super("INVALID_CONFIG", `invalid configuration: ${lines.join("; ")}`, {
      ...options,
      details: { issues: issues.map((issue) => ({ ...issue })) },
    });
    this.issues = issues;
  }
}
