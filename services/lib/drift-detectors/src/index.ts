/**
 * @twinstate/drift-detectors — streaming drift detectors on filter innovations, pure computation.
 *
 * Detectors take one sample at a time, return a detection when one completes, expose their state for
 * `GetDetectorState`, and serialize bit-exactly for the drift service's compacted changelog.
 */
export type {
  ChangeDirection,
  DetectorResult,
  DetectorState,
  DriftDetector,
  SamplePosition,
  ScalarSample,
  Severity,
} from "./detector.ts";
export {
  type AnyDetector,
  DEFAULT_SUITE_CONFIG,
  DetectorSuite,
  type DetectorSuiteConfig,
  type EstimateSample,
  restoreDetector,
} from "./detector-suite.ts";
export { Adwin, type AdwinConfig } from "./detectors/adwin.ts";
export { Cusum, type CusumConfig } from "./detectors/cusum.ts";
export {
  type CoverageSample,
  type IntervalCoverageConfig,
  IntervalCoverageMonitor,
} from "./detectors/interval-coverage-monitor.ts";
export { type NisSample, type NisWindowConfig, NisWindowTest } from "./detectors/nis-window-test.ts";
export { type NoiseLevelConfig, NoiseLevelDetector, type NoiseLevelSides } from "./detectors/noise-level-detector.ts";
export {
  PageHinkley,
  type PageHinkleyConfig,
  type PageHinkleyMode,
  pageHinkleyThresholdForArl,
} from "./detectors/page-hinkley.ts";
export { type StuckSample, type StuckSensorConfig, StuckSensorDetector } from "./detectors/stuck-sensor-detector.ts";
export { DetectorStateFormatError } from "./errors/detector-state-format-error.ts";
export { DriftDetectorError } from "./errors/drift-detector-error.ts";
export { InvalidDetectorConfigError } from "./errors/invalid-detector-config-error.ts";
export { InvalidSampleError } from "./errors/invalid-sample-error.ts";
export { NonFiniteSampleError } from "./errors/non-finite-sample-error.ts";
export { type SeverityBands, severityFromRatio } from "./severity-from-ratio.ts";
export { DetectorKind } from "./state/detector-kind.ts";
export { binomialTwoSidedPValues } from "./statistics/binomial-test.ts";
export { chiSquareCdf, chiSquareQuantile, chiSquareSf } from "./statistics/chi-square.ts";
export { cusumThresholdForArl, siegmundArl, twoSidedCusumArl } from "./statistics/cusum-arl.ts";
export { cusumArlMarkovChain } from "./statistics/cusum-arl-markov-chain.ts";
export { varianceCusumThresholdForArl, varianceLlrCdf } from "./statistics/variance-cusum-threshold.ts";
