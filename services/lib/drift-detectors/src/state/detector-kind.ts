/**
 * One-byte tags naming the detector whose state a serialized blob holds.
 *
 * Why: a blob restored into the wrong detector class must fail loudly (`DetectorStateFormatError`), and
 * `restoreDetector` dispatches on the tag. Values are part of the changelog format: never renumber.
 */
export const DetectorKind = {
  pageHinkley: 1,
  adwin: 2,
  cusum: 3,
  nisWindow: 4,
  intervalCoverage: 5,
  stuckSensor: 6,
  noiseLevel: 7,
} as const;

/** A detector kind tag value. */
export type DetectorKind = (typeof DetectorKind)[keyof typeof DetectorKind];
