import { DetectorSuite, type DetectorSuiteConfig } from "../detector-suite.ts";
import { ConstantVelocityTwinStream, FirstOrderThermalTwinStream } from "./builtin-twin-streams.ts";
import { DEFAULT_TWIN, faultModel, type ScenarioName, type TwinParameters } from "./fault-scenario.ts";
import { SeededRandom } from "./seeded-random.ts";
import { type EvalTwinName, RandomWalkTwinStream, type TwinStream } from "./twin-stream.ts";

/** Inputs of one scenario evaluation. */
export interface EvaluateScenarioOptions {
  readonly scenario: ScenarioName;
  /** Independent runs, each with its own seed (seed + run). */
  readonly runs: number;
  readonly seed: number;
  /** Readings per run (for fault scenarios the fault starts at `onset`). */
  readonly readingsPerRun: number;
  /** Detector suite configuration under test (defaults: the suite's defaults). */
  readonly detectors?: DetectorSuiteConfig;
  /** Reading index at which the fault starts. Default readingsPerRun / 2. Ignored for "clean". */
  readonly onset?: number;
  /** Parameters of the random-walk twin (ignored by the built-in twins). */
  readonly twin?: TwinParameters;
  /** Which simulated twin produces the innovations. Default "random_walk". */
  readonly twinModel?: EvalTwinName;
}

/** One scenario's figures (snake_case: this is the harness's JSON line). */
export interface ScenarioEvaluation {
  readonly scenario: ScenarioName;
  readonly twin: EvalTwinName;
  readonly runs: number;
  readonly readings_per_run: number;
  /** Share of runs with a detection at or after onset (clean: share of runs with any alarm). */
  readonly detection_rate: number;
  /** Alarms per 10 000 readings on fault-free readings (clean runs, or before onset). */
  readonly false_alarms_per_10k: number;
  /** Readings from onset to first detection, over detected runs (null if none). */
  readonly median_delay: number | null;
  readonly p95_delay: number | null;
  /** Which detector raised the first post-onset detection, counted over runs. */
  readonly first_detector: Readonly<Record<string, number>>;
  /** Detections on fault-free readings, per detector. */
  readonly false_alarm_detectors: Readonly<Record<string, number>>;
}

/** A fresh run of the named twin, drawing its noise from `rng`. */
export function createTwinStream(name: EvalTwinName, rng: SeededRandom, twin: TwinParameters): TwinStream {
  switch (name) {
    case "random_walk":
      return new RandomWalkTwinStream(rng, twin);
    case "constant_velocity":
      return new ConstantVelocityTwinStream(rng);
    case "first_order_thermal":
      return new FirstOrderThermalTwinStream(rng);
  }
}

/**
 * Simulates `runs` seeded streams of the chosen twin (the scalar random walk, or a built-in model of the
 * estimation library run through its KalmanFilter), injects the scenario's fault at `onset`, feeds the
 * filter's innovations to a fresh `DetectorSuite` per run, and summarizes detection rate, false alarms per
 * 10 000 fault-free readings and detection delay (median, 95th percentile; nearest-rank).
 *
 * An alarm is a reading at which at least one detector fired. Pure and deterministic given the seed.
 */
export function evaluateScenario(options: EvaluateScenarioOptions): ScenarioEvaluation {
  const { scenario, runs, seed, readingsPerRun } = options;
  const twinModel = options.twinModel ?? "random_walk";
  const twin = options.twin ?? DEFAULT_TWIN;
  const onset = scenario === "clean" ? readingsPerRun : (options.onset ?? Math.floor(readingsPerRun / 2));
  const halfWidth = 1.6448536269514722; // z_{0.95}: 90 % two-sided predicted interval
  let detected = 0;
  let runsWithFalseAlarm = 0;
  let falseAlarms = 0;
  let cleanReadings = 0;
  const delays: number[] = [];
  const firstDetector: Record<string, number> = {};
  const falseAlarmDetectors: Record<string, number> = {};
  const y = new Float64Array(1);
  const S = new Float64Array(1);
  const reading = new Float64Array(1);
  const lower = new Float64Array(1);
  const upper = new Float64Array(1);
  for (let run = 0; run < runs; run++) {
    const rng = new SeededRandom((seed + run * 7919) >>> 0);
    const stream = createTwinStream(twinModel, rng, twin);
    // faults are sized in the twin's sensor σ (only R matters to the fault model)
    const fault = faultModel(scenario, twinModel === "random_walk" ? twin : { ...twin, R: stream.sigma ** 2 });
    const suite = DetectorSuite.create(options.detectors ?? {}, 1);
    let hadFalseAlarm = false;
    for (let i = 0; i < readingsPerRun; i++) {
      const faulty = i >= onset;
      const { z, y: yi, S: Si } = stream.step(faulty ? fault : undefined, i - onset);
      y[0] = yi;
      S[0] = Si;
      reading[0] = z;
      const half = halfWidth * Math.sqrt(Si);
      lower[0] = z - yi - half;
      upper[0] = z - yi + half;
      const results = suite.update({ index: i, y, S, reading, lower, upper });
      if (!faulty) {
        cleanReadings++;
        if (results.length > 0) {
          falseAlarms++;
          hadFalseAlarm = true;
          for (const r of results) falseAlarmDetectors[r.detector] = (falseAlarmDetectors[r.detector] ?? 0) + 1;
        }
      } else if (results.length > 0) {
        detected++;
        delays.push(i - onset);
        const name = results[0]!.detector;
        firstDetector[name] = (firstDetector[name] ?? 0) + 1;
        break;
      }
    }
    if (hadFalseAlarm) runsWithFalseAlarm++;
  }
  delays.sort((a, b) => a - b);
  return {
    scenario,
    twin: twinModel,
    runs,
    readings_per_run: readingsPerRun,
    detection_rate: (scenario === "clean" ? runsWithFalseAlarm : detected) / runs,
    false_alarms_per_10k: cleanReadings > 0 ? (1e4 * falseAlarms) / cleanReadings : 0,
    median_delay: quantileNearestRank(delays, 0.5),
    p95_delay: quantileNearestRank(delays, 0.95),
    first_detector: firstDetector,
    false_alarm_detectors: falseAlarmDetectors,
  };
}

function quantileNearestRank(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}
