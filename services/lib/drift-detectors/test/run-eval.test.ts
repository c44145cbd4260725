import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "@jest/globals";
import { SCENARIOS } from "../src/eval/fault-scenario.ts";

const harness = fileURLToPath(new URL("../src/eval/run-eval.ts", import.meta.url));

describe("run-eval.ts harness", () => {
  test("prints one JSON line per scenario with the required fields", () => {
    const out = execFileSync(process.execPath, [harness, "--runs", "2", "--readings", "300"], { encoding: "utf8" });
    const lines = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.scenario)).toEqual([...SCENARIOS]);
    for (const l of lines) {
      expect(l.runs).toBe(2);
      for (const key of ["detection_rate", "false_alarms_per_10k", "median_delay", "p95_delay"])
        expect(l).toHaveProperty(key);
      expect(typeof l.detection_rate).toBe("number");
    }
  });

  test("rejects an unknown scenario with exit code 2", () => {
    let status = 0;
    try {
      execFileSync(process.execPath, [harness, "--scenario", "meteor"], { encoding: "utf8", stdio: "pipe" });
    } catch (e) {
      status = (e as { status: number }).status;
    }
    expect(status).toBe(2);
  });
});
