export { AXES, type Dimensions } from "./axis-names.ts";
export { BatteryEquivalentCircuit, type BatteryEquivalentCircuitParameters } from "./battery-equivalent-circuit.ts";
export { BatteryTerminalVoltage, type BatteryTerminalVoltageOptions } from "./battery-terminal-voltage.ts";
export {
  BUILTIN_MEASUREMENT_MODELS,
  BUILTIN_TRANSITION_MODELS,
  type BuiltinModelConfig,
  createBuiltinMeasurementModel,
  createBuiltinTransitionModel,
} from "./builtin-models.ts";
export { ConstantAcceleration, type ConstantAccelerationOptions } from "./constant-acceleration.ts";
export { ConstantVelocity, type ConstantVelocityOptions } from "./constant-velocity.ts";
export {
  ContinuousDiscretizer,
  type ContinuousDynamics,
  type ContinuousJacobian,
  type DiscretizationMethod,
} from "./continuous-discretizer.ts";
export { DampedOscillator, type DampedOscillatorParameters } from "./damped-oscillator.ts";
export { DampedPendulum, type DampedPendulumOptions, type DampedPendulumParameters } from "./damped-pendulum.ts";
export { DirectMeasurement, type DirectMeasurementOptions } from "./direct-measurement.ts";
export { DiscreteStepCache } from "./discrete-step-cache.ts";
export { FirstOrderThermal, type FirstOrderThermalParameters } from "./first-order-thermal.ts";
export { LinearDegradation, type LinearDegradationParameters } from "./linear-degradation.ts";
export { LinearMeasurement, type LinearMeasurementOptions } from "./linear-measurement.ts";
export { ModelParameterError, type ModelParameterProblem } from "./model-parameter-error.ts";
export { OpenCircuitVoltageCurve } from "./open-circuit-voltage-curve.ts";
export { checkParameter, type ParameterRule, resolveParameters } from "./parameter-rules.ts";
export { PositionSelector, type PositionSelectorOptions } from "./position-selector.ts";
export { RandomWalk, type RandomWalkOptions } from "./random-walk.ts";
export { RangeBearing, type RangeBearingOptions } from "./range-bearing.ts";
export { wrapAngle } from "./wrap-angle.ts";
