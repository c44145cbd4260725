/**
 * Base class of every error the drift-detector library throws.
 *
 * Why: the drift service branches on the stable string `code` (e.g. to quarantine one detector's state and
 * rebuild it from the twin definition), never on messages, and logs `details` as structured fields.
 */
export abstract class DriftDetectorError extends Error {
  /** Stable machine-readable code, e.g. "INVALID_DETECTOR_CONFIG". */
  abstract readonly code: string;
  /** Structured context (detector, parameter, value) for logs. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, details: Readonly<Record<string, unknown>> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}
