/**
 * The parts of `@twinstate/estimation` the assimilation service needs that the package's `index.ts` does
 * not export yet (built-in models, expression models).
 *
 * Why one file: the package exports only "." and these modules are still being added to it; importing them
 * by relative path in one place keeps the rest of the service on stable names, and switching to package
 * imports later is a one-file change.
 */

export {
  ExpressionError,
  ExpressionMeasurementModel,
  ExpressionTransitionModel,
  ModelDeclarationError,
} from "../../lib/estimation/src/expression/index.ts";
export { FilterBase } from "../../lib/estimation/src/filters/filter-base.ts";
export { FILTER_HEALTH_FIELDS } from "../../lib/estimation/src/filters/filter-health.ts";
export { JulierSigmaPoints, MerweScaledSigmaPoints } from "../../lib/estimation/src/filters/sigma-points.ts";
export { UnscentedKalmanFilter } from "../../lib/estimation/src/filters/unscented-kalman-filter.ts";
export { FirstOrderThermal } from "../../lib/estimation/src/models/builtin/first-order-thermal.ts";
export {
  BatteryEquivalentCircuit,
  BatteryTerminalVoltage,
  ConstantAcceleration,
  ConstantVelocity,
  DampedOscillator,
  DampedPendulum,
  DirectMeasurement,
  LinearDegradation,
  LinearMeasurement,
  ModelParameterError,
  OpenCircuitVoltageCurve,
  RandomWalk,
  RangeBearing,
} from "../../lib/estimation/src/models/builtin/index.ts";
