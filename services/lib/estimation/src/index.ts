export const version = "0.1.0";

export { EstimationError } from "./errors/estimation-error.ts";
export { FilterQuarantinedError } from "./errors/filter-quarantined-error.ts";
export { InvalidFilterConfigError } from "./errors/invalid-filter-config-error.ts";
export { SerializationFormatError, SerializedModelMismatchError } from "./errors/serialization-error.ts";
export * from "./expression/index.ts";
export { ExtendedKalmanFilter } from "./filters/extended-kalman-filter.ts";
export { FilterBase } from "./filters/filter-base.ts";
export { createFilterHealth, FILTER_HEALTH_FIELDS, type FilterHealth } from "./filters/filter-health.ts";
export type { FilterSnapshot, ParticleSnapshot } from "./filters/filter-snapshot.ts";
export { GaussianFilter } from "./filters/gaussian-filter.ts";
export { KalmanFilter } from "./filters/kalman-filter.ts";
export { ParticleFilter, type ParticleFilterOptions, RESAMPLERS } from "./filters/particle-filter.ts";
export {
  JulierSigmaPoints,
  MerweScaledSigmaPoints,
  type SigmaPointScheme,
  writeSigmaPoints,
} from "./filters/sigma-points.ts";
export type {
  GaussianFilterOptions,
  GaussianMoments,
  PredictResult,
  SensorConfig,
  StateFilter,
  UpdateResult,
} from "./filters/state-filter.ts";
export {
  FilterPredictResult,
  FilterUpdateResult,
  UnscentedPredictResult,
  UnscentedUpdateResult,
} from "./filters/step-results.ts";
export {
  ACCEPTED,
  type AcceptedStatus,
  type GatedStatus,
  type PredictStatus,
  type QuarantineInfo,
  type RejectedStatus,
  RejectionReason,
  type UpdateStatus,
} from "./filters/step-status.ts";
export { UnscentedKalmanFilter, type UnscentedKalmanFilterOptions } from "./filters/unscented-kalman-filter.ts";
export { choleskyLower, choleskySemidefinite } from "./linalg/cholesky.ts";
export {
  choleskyInverse,
  choleskyLogDeterminant,
  choleskyQuadraticForm,
  choleskySolve,
} from "./linalg/cholesky-solve.ts";
export { invert } from "./linalg/invert.ts";
export {
  type FactorNisKernel,
  factorNisKernel,
  type GainJosephKernel,
  gainJosephKernel,
  type PredictCovarianceKernel,
  predictCovarianceKernel,
  type UnscentedGainKernel,
  unscentedGainKernel,
} from "./linalg/kalman-kernels.ts";
export { addInPlace, allFinite, setIdentity, symmetrize } from "./linalg/matrix-elementwise.ts";
export { multiply, multiplyABt, multiplyVector } from "./linalg/matrix-multiply.ts";
export { nearestSpd } from "./linalg/nearest-spd.ts";
export { type FactorizationCounters, SpdFactorizer } from "./linalg/spd-factorizer.ts";
export { type ProductKernel, productABtKernel, productKernel } from "./linalg/specialized-kernels.ts";
export { symmetricEigen } from "./linalg/symmetric-eigen.ts";
export * from "./models/builtin/index.ts";
export type { MeasurementModel } from "./models/measurement-model.ts";
export type { TransitionModel } from "./models/transition-model.ts";
export {
  type CentralInterval,
  gaussianIntervals,
  weightedQuantile,
  weightedQuantiles,
} from "./outputs/central-interval.ts";
export { type ForecastOptions, type ForecastStep, forecast } from "./outputs/forecast.ts";
export { type RunReading, runLogLikelihood } from "./outputs/run-log-likelihood.ts";
export { Xoshiro128 } from "./random/xoshiro128.ts";
export { multinomialResample } from "./resampling/multinomial-resample.ts";
export { cumulativeSum, type Resampler, type ResamplerName, searchSortedLeft } from "./resampling/resampler.ts";
export { residualResample } from "./resampling/residual-resample.ts";
export { stratifiedResample } from "./resampling/stratified-resample.ts";
export { systematicResample } from "./resampling/systematic-resample.ts";
export {
  deserializeFilter,
  FILTER_FORMAT_VERSION,
  type FilterModels,
  type SerializableFilter,
  serializeFilter,
} from "./serialization/filter-serialization.ts";
export { type RecordedRun, rtsSmooth, type SmoothedRun } from "./smoothing/rts-smoother.ts";
export { chiSquareQuantile } from "./statistics/chi-square-quantile.ts";
export { inverseRegularizedGamma, regularizedGamma } from "./statistics/incomplete-gamma.ts";
export { logGamma } from "./statistics/log-gamma.ts";
export { normalQuantile } from "./statistics/normal-quantile.ts";
export {
  type LagWindowEntry,
  LagWindowFilter,
  type LagWindowResult,
  type TimedReading,
} from "./time/lag-window-filter.ts";
