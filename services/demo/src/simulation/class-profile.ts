import type { MeasurementModel, TransitionModel, Xoshiro128 } from "@twinstate/estimation";
import type { FaultKind } from "../faults/fault-kind.ts";

/** The input sensor of a class (a control input the twin reads from its own sensor, e.g. heater power). */
export interface InputSensor {
  readonly sensor: string;
  readonly unit: string;
  /** Index of the input in the transition model's `u`. */
  readonly index: number;
}

/**
 * How the demo simulates the assets of one twin class: the same built-in models the class declares (truth
 * dynamics and sensor), the sensor's noise, how assets start and how their inputs are driven, and the
 * values used to make bad input of that sensor.
 */
export interface ClassProfile {
  /** Twin class id, as in deploy/demo/twins. */
  readonly twinClass: string;
  /** Tenant of the class's assets. */
  readonly tenant: string;
  /** Asset names are `<assetPrefix>-<n>`. */
  readonly assetPrefix: string;
  readonly transition: TransitionModel;
  /** h(x, u) of the primary sensor (the truth's noise-free reading). */
  readonly measurement: MeasurementModel;
  /** Primary sensor name and unit. */
  readonly sensor: string;
  readonly unit: string;
  /** Standard deviation of the simulated sensor noise (per component), in `unit`. */
  readonly noiseStd: number;
  /** The sensor reports angles wrapped to [−π, π) (as a real angle encoder does). */
  readonly angular?: boolean;
  /** A unit of another dimension (UNIT_MISMATCH at ingest). */
  readonly wrongUnit: string;
  /** A value outside the contract's range (OUT_OF_RANGE at ingest). */
  readonly outOfRange: number;
  readonly input?: InputSensor;
  /** The fault kinds injected into this class's sensor (default: every kind). */
  readonly faults?: readonly FaultKind[];
  /** The true initial state of an asset. */
  initialState(rng: Xoshiro128): number[];
  /**
   * Drives the inputs: may change `u` given the true state; returns true when it changed them (an input
   * reading is then published).
   */
  control?(x: Float64Array, u: Float64Array, rng: Xoshiro128, dt: number): boolean;
}
