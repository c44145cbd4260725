import { DriftDetectorError } from "./drift-detector-error.ts";

/**
 * Thrown when an estimate sample does not fit the suite it is routed to: wrong innovation dimension, an
 * innovation covariance S that is not positive definite, or mismatched interval arrays.
 */
export class InvalidSampleError extends DriftDetectorError {
  readonly code = "INVALID_SAMPLE";
}
