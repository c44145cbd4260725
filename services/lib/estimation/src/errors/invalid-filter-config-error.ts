import { EstimationError } from "./estimation-error.ts";

/**
 * Thrown when a filter is constructed with inconsistent options: dimension mismatch between models, x0 and
 * P0, a non-finite or non-SPD initial covariance, a nonlinear model given to the linear Kalman filter, bad
 * sigma-point or particle parameters.
 */
export class InvalidFilterConfigError extends EstimationError {
  readonly code = "INVALID_FILTER_CONFIG";
}
