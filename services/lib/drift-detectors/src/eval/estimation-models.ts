/**
 * The estimation library's filters and built-in models the evaluation simulates its twins with.
 *
 * Why one file: `@twinstate/estimation` does not export its built-in models from its package entry point
 * yet, so they are imported by relative path here, in one place; only the evaluation (never the detectors)
 * depends on the estimation library.
 */
export { KalmanFilter } from "@twinstate/estimation";
export { FirstOrderThermal } from "../../../estimation/src/models/builtin/first-order-thermal.ts";
export { ConstantVelocity, DirectMeasurement } from "../../../estimation/src/models/builtin/index.ts";
