/** Names of the simulated scenarios. */
export type ScenarioName =
  | "clean"
  | "bias_step_3sigma"
  | "gain_plus_20pct"
  | "gain_minus_20pct"
  | "noise_x3"
  | "stuck_sensor"
  | "slow_ramp"
  | "process_change";

/** Every scenario, in report order. */
export const SCENARIOS: readonly ScenarioName[] = [
  "clean",
  "bias_step_3sigma",
  "gain_plus_20pct",
  "gain_minus_20pct",
  "noise_x3",
  "stuck_sensor",
  "slow_ramp",
  "process_change",
];

/** Scenarios the targets call major faults (≥ 90 % detection). */
export const MAJOR_FAULTS: readonly ScenarioName[] = [
  "bias_step_3sigma",
  "gain_plus_20pct",
  "gain_minus_20pct",
  "noise_x3",
  "stuck_sensor",
];

/** The simulated twin: a random-walk state seen by one sensor (units of the sensor noise σ = √R). */
export interface TwinParameters {
  /** Process noise variance per reading. */
  readonly Q: number;
  /** Sensor noise variance. */
  readonly R: number;
  /** Initial true level (a gain fault scales the reading around 0, so the level sets its size). */
  readonly level: number;
}

/** Default twin: slowly wandering level 10σ, Q/R = 1e−3 (steady-state gain K ≈ 0.031). */
export const DEFAULT_TWIN: TwinParameters = { Q: 1e-3, R: 1, level: 10 };

/**
 * How a scenario corrupts the world after the fault onset: the true process step and the reading.
 *
 * `k` counts readings since onset (0 at onset); before onset the scenario is not consulted.
 */
export interface FaultModel {
  /** Process noise standard deviation multiplier after onset (process change). */
  readonly processNoiseFactor: number;
  /** The reading the sensor reports given the true state x, the clean noise draw v and the last reading. */
  reading(x: number, v: number, k: number, lastReading: number): number;
}

/**
 * The fault model of each scenario, with σ = √R:
 * - bias_step_3sigma: z = x + v + 3σ
 * - gain_±20pct: z = (1 ± 0.2)·x + v
 * - noise_x3: z = x + 3v
 * - stuck_sensor: z = the last reading before onset, forever
 * - slow_ramp: z = x + v + min(k/300, 1)·3σ (bias reaches 3σ after 300 readings)
 * - process_change: process noise σ_w × 5 (the world got more volatile than the model)
 */
export function faultModel(name: ScenarioName, twin: TwinParameters): FaultModel {
  const sigma = Math.sqrt(twin.R);
  const plain = { processNoiseFactor: 1 };
  switch (name) {
    case "clean":
      return { ...plain, reading: (x, v) => x + v };
    case "bias_step_3sigma":
      return { ...plain, reading: (x, v) => x + v + 3 * sigma };
    case "gain_plus_20pct":
      return { ...plain, reading: (x, v) => 1.2 * x + v };
    case "gain_minus_20pct":
      return { ...plain, reading: (x, v) => 0.8 * x + v };
    case "noise_x3":
      return { ...plain, reading: (x, v) => x + 3 * v };
    case "stuck_sensor":
      return { ...plain, reading: (_x, _v, _k, last) => last };
    case "slow_ramp":
      return { ...plain, reading: (x, v, k) => x + v + Math.min(k / 300, 1) * 3 * sigma };
    case "process_change":
      return { processNoiseFactor: 5, reading: (x, v) => x + v };
  }
}
