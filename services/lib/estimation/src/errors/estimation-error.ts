/**
 * Base class of every error the estimation library throws.
 *
 * Why: callers (the assimilation service) branch on the stable string `code`, never on messages, and
 * log `details` as structured fields.
 */
export abstract class EstimationError extends Error {
  /** Stable machine-readable code, e.g. "SERIALIZED_MODEL_MISMATCH". */
  abstract readonly code: string;
  /** Structured context (names, dimensions) for logs. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, details: Readonly<Record<string, unknown>> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}
