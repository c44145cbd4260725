import { DetectorSuite, type DetectorSuiteConfig } from "../detector-suite.ts";
import { DEFAULT_TWIN, faultModel, type ScenarioName, type TwinParameters } from "./fault-scenario.ts";
import { RandomWalkKalmanFilter } from "./random-walk-kalman-filter.ts";
import { SeededRandom } from "./seeded-random.ts";

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
  readonly twin?: TwinParameters;
}

/** One scenario's figures (snake_case: this is the harness's JSON line). */
export interface ScenarioEvaluation {
  readonly scenario: ScenarioName;
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

/**
 * Simulates `runs` seeded streams of the random-walk twin, injects the scenario's fault at `onset`, feeds
 * the filter's innovations to a fresh `DetectorSuite` per run, and summarizes detection rate, false alarms
 * per 10 000 fault-free readings and detection delay (median, 95th percentile; nearest-rank).
 *
 * An alarm is a reading at which at least one detector fired. Pure and deterministic given the seed.
 */
export function evaluateScenario(options: EvaluateScenarioOptions): ScenarioEvaluation {
  const { scenario, runs, seed, readingsPerRun } = options;
  const twin = options.twin ?? DEFAULT_TWIN;
  const onset = scenario === "clean" ? readingsPerRun : (options.onset ?? Math.floor(readingsPerRun / 2));
  const sigmaW = Math.sqrt(twin.Q);
  const sigmaV = Math.sqrt(twin.R);
  const Pminus = RandomWalkKalmanFilter.steadyStatePrior(twin.Q, twin.R);
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
    const fault = faultModel(scenario, twin);
    const suite = DetectorSuite.create(options.detectors ?? {}, 1);
    let x = twin.level;
    const P0 = Pminus - twin.Q;
    const kf = new RandomWalkKalmanFilter(twin.Q, twin.R, x + Math.sqrt(P0) * rng.normal(), P0);
    let lastReading = x;
    let hadFalseAlarm = false;
    for (let i = 0; i < readingsPerRun; i++) {
      const faulty = i >= onset;
      x += sigmaW * (faulty ? fault.processNoiseFactor : 1) * rng.normal();
      const v = sigmaV * rng.normal();
      const z = faulty ? fault.reading(x, v, i - onset, lastReading) : x + v;
      lastReading = z;
      const { y: yi, S: Si } = kf.step(z);
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
