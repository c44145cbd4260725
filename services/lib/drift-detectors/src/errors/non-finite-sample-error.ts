import { DriftDetectorError } from "./drift-detector-error.ts";

/**
 * Thrown when a sample carries NaN or ±Inf where a finite number is required. Detectors never absorb a bad
 * number into their state: one NaN would silence (or trip) the detector for the rest of its life.
 */
export class NonFiniteSampleError extends DriftDetectorError {
  readonly code = "NON_FINITE_SAMPLE";
}
