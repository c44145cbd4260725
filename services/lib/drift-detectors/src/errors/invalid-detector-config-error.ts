import { DriftDetectorError } from "./drift-detector-error.ts";

/**
 * Thrown when a detector is built with a parameter outside its domain (a non-positive window, a probability
 * outside (0, 1), an unknown mode), so a bad twin definition fails when it is loaded, not mid-stream.
 */
export class InvalidDetectorConfigError extends DriftDetectorError {
  readonly code = "INVALID_DETECTOR_CONFIG";
}
