/**
 * Drift evaluation harness. Prints one JSON line per scenario (scenario, runs, detection_rate,
 * false_alarms_per_10k, median_delay, p95_delay, ...) for the default detector suite:
 *
 *   node services/lib/drift-detectors/src/eval/run-eval.ts [--runs N] [--seed S] [--readings N]
 *     [--scenario NAME] [--detector NAME] [--level L] [--twin NAME|all]
 *
 * `--twin` picks the simulated twin: random_walk (default; the scalar filter of this package),
 * constant_velocity or first_order_thermal (built-in models of @twinstate/estimation run through its
 * KalmanFilter), or all three in turn.
 * `--detector` evaluates one detector of the suite alone (cusum, pageHinkley, adwin, nisWindow, coverage,
 * stuckSensor, noiseLevel); `--level` moves the twin's operating level (in sensor σ), which sets how large
 * a ±20 % gain fault is.
 */
import { DEFAULT_SUITE_CONFIG, type DetectorSuiteConfig } from "../detector-suite.ts";
import { evaluateScenario } from "./evaluate-scenario.ts";
import { DEFAULT_TWIN, SCENARIOS, type ScenarioName } from "./fault-scenario.ts";
import { EVAL_TWINS, type EvalTwinName } from "./twin-stream.ts";

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const runs = Number(argValue("--runs") ?? 100);
const seed = Number(argValue("--seed") ?? 20261127);
const readingsPerRun = Number(argValue("--readings") ?? 4000);
const level = Number(argValue("--level") ?? DEFAULT_TWIN.level);
const only = argValue("--scenario");
const detector = argValue("--detector");
const twinArg = argValue("--twin") ?? "random_walk";
const twins = twinArg === "all" ? EVAL_TWINS : EVAL_TWINS.filter((t) => t === (twinArg as EvalTwinName));
if (twins.length === 0) fail(`unknown twin ${twinArg}; known: ${EVAL_TWINS.join(", ")}, all`);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(readingsPerRun) || readingsPerRun < 2) {
  fail("usage: run-eval.ts [--runs N] [--seed S] [--readings N] [--scenario NAME] [--detector NAME] [--level L]");
}
if (!Number.isFinite(level)) fail("--level must be a number");
const scenarios = only === undefined ? SCENARIOS : SCENARIOS.filter((s) => s === (only as ScenarioName));
if (scenarios.length === 0) fail(`unknown scenario ${only}; known: ${SCENARIOS.join(", ")}`);
const detectorNames = Object.keys(DEFAULT_SUITE_CONFIG);
let detectors: DetectorSuiteConfig = {};
if (detector !== undefined) {
  if (!detectorNames.includes(detector)) fail(`unknown detector ${detector}; known: ${detectorNames.join(", ")}`);
  detectors = Object.fromEntries(detectorNames.map((n) => [n, n === detector ? {} : false])) as DetectorSuiteConfig;
}
for (const twinModel of twins) {
  for (const scenario of scenarios) {
    const started = performance.now();
    const result = evaluateScenario({
      scenario,
      runs,
      seed,
      readingsPerRun,
      detectors,
      twin: { ...DEFAULT_TWIN, level },
      twinModel,
    });
    const seconds = Math.round((performance.now() - started) / 10) / 100;
    const extra = {
      seed,
      ...(twinModel === "random_walk" ? { level } : {}),
      ...(detector === undefined ? {} : { detector }),
      seconds,
    };
    process.stdout.write(`${JSON.stringify({ ...result, ...extra })}\n`);
  }
}
