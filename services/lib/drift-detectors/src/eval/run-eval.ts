/**
 * Drift evaluation harness: `node services/lib/drift-detectors/src/eval/run-eval.ts [--runs N] [--seed S]
 * [--readings N] [--scenario NAME]` prints one JSON line per scenario (scenario, runs, detection_rate,
 * false_alarms_per_10k, median_delay, p95_delay, ...) for the default detector suite.
 */
import { evaluateScenario } from "./evaluate-scenario.ts";
import { SCENARIOS, type ScenarioName } from "./fault-scenario.ts";

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const runs = Number(argValue("--runs") ?? 100);
const seed = Number(argValue("--seed") ?? 20261127);
const readingsPerRun = Number(argValue("--readings") ?? 4000);
const only = argValue("--scenario");
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(readingsPerRun) || readingsPerRun < 2) {
  process.stderr.write("usage: run-eval.ts [--runs N] [--seed S] [--readings N] [--scenario NAME]\n");
  process.exit(2);
}
const scenarios = only === undefined ? SCENARIOS : SCENARIOS.filter((s) => s === (only as ScenarioName));
if (scenarios.length === 0) {
  process.stderr.write(`unknown scenario ${only}; known: ${SCENARIOS.join(", ")}\n`);
  process.exit(2);
}
for (const scenario of scenarios) {
  const started = performance.now();
  const result = evaluateScenario({ scenario, runs, seed, readingsPerRun });
  const seconds = Math.round((performance.now() - started) / 10) / 100;
  process.stdout.write(`${JSON.stringify({ ...result, seed, seconds })}\n`);
}
