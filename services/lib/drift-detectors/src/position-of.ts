import type { SamplePosition } from "./detector.ts";

/**
 * Builds a `SamplePosition`, omitting `time` when it is unknown (undefined or NaN).
 *
 * Why: detectors keep unknown times as NaN in their serialized state, while the public shape (under
 * exactOptionalPropertyTypes) must leave the property out rather than carry `undefined` or NaN.
 */
export function positionOf(index: number, time: number | undefined): SamplePosition {
  return time === undefined || Number.isNaN(time) ? { index } : { index, time };
}
