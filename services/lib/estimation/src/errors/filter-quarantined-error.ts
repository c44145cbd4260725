import { EstimationError } from "./estimation-error.ts";

/**
 * Thrown by `mean()`, `covariance()` and the other readers of a quarantined filter.
 *
 * Why: a quarantined filter's numbers went bad (NaN/Inf); returning them, or silently returning stale
 * ones, would let poison reach published estimates. The reason is in `details.reason`.
 */
export class FilterQuarantinedError extends EstimationError {
  readonly code = "FILTER_QUARANTINED";
}
