import { DriftDetectorError } from "./drift-detector-error.ts";

/**
 * Thrown when serialized detector state is truncated, corrupt, of an unknown format version, or belongs to a
 * different detector kind than the one asked to restore it.
 */
export class DetectorStateFormatError extends DriftDetectorError {
  readonly code = "DETECTOR_STATE_FORMAT";
}
