/**
 * Why a predict or update was refused. Stable string codes: the assimilation service logs and counts them.
 *
 * - NON_FINITE_INPUT: z, u, t (or dt) contained NaN or ±Infinity.
 * - TIME_WENT_BACKWARDS: t earlier than the filter's time (use a LagWindowFilter for out-of-order data).
 * - TIME_STEP_TOO_LARGE: dt above the filter's configured `maxDt`.
 * - LATE_READING: a reading older than the lag window (LagWindowFilter only).
 * - UNKNOWN_SENSOR: the sensor name is not configured on this filter.
 * - DIMENSION_MISMATCH: z or u has the wrong length.
 * - QUARANTINED: the filter is quarantined; nothing is processed until it is reset.
 * - NUMERICAL_FAILURE: this step produced non-finite numbers; the step was undone and the filter quarantined.
 * - DEGENERATE_WEIGHTS: (particle filter) every particle had zero likelihood; the update was undone.
 */
export const RejectionReason = {
  NON_FINITE_INPUT: "NON_FINITE_INPUT",
  TIME_WENT_BACKWARDS: "TIME_WENT_BACKWARDS",
  TIME_STEP_TOO_LARGE: "TIME_STEP_TOO_LARGE",
  LATE_READING: "LATE_READING",
  UNKNOWN_SENSOR: "UNKNOWN_SENSOR",
  DIMENSION_MISMATCH: "DIMENSION_MISMATCH",
  QUARANTINED: "QUARANTINED",
  NUMERICAL_FAILURE: "NUMERICAL_FAILURE",
  DEGENERATE_WEIGHTS: "DEGENERATE_WEIGHTS",
} as const;

/** One of the {@link RejectionReason} codes. */
export type RejectionReason = (typeof RejectionReason)[keyof typeof RejectionReason];

/** The step was applied. */
export interface AcceptedStatus {
  readonly kind: "accepted";
}

/** The update's NIS exceeded the sensor's gate threshold χ²(probability, dimZ); the state was left unchanged. */
export interface GatedStatus {
  readonly kind: "gated";
  readonly threshold: number;
}

/** The step was refused for `reason`; the filter state is untouched (or, for NUMERICAL_FAILURE, restored). */
export interface RejectedStatus {
  readonly kind: "rejected";
  readonly reason: RejectionReason;
  readonly message: string;
}

/** Outcome of a predict: accepted or rejected. */
export type PredictStatus = AcceptedStatus | RejectedStatus;
/** Outcome of an update: accepted, gated or rejected. */
export type UpdateStatus = AcceptedStatus | GatedStatus | RejectedStatus;

/** The shared (frozen) accepted status, so accepted steps allocate nothing. */
export const ACCEPTED: AcceptedStatus = Object.freeze({ kind: "accepted" });

/** Builds a rejected status. */
export function rejected(reason: RejectionReason, message: string): RejectedStatus {
  return { kind: "rejected", reason, message };
}

/** Why a filter was quarantined and when. */
export interface QuarantineInfo {
  readonly reason: string;
  /** Filter time at which the bad numbers appeared. */
  readonly t: number;
}
