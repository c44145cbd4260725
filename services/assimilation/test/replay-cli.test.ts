import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromJsonString, toBinary, toJsonString } from "@bufbuild/protobuf";
import { describe, expect, test } from "@jest/globals";
import { StateEstimateSchema, ValidatedReadingSchema } from "@twinstate/proto";
import { TwinEngine } from "../src/engine/twin-engine.ts";
import { exampleCatalog, mixedReadings, repoRoot } from "./reading-fixtures.ts";

const cli = `${repoRoot}services/assimilation/src/cli/twinstate.ts`;
const twins = ["thermal-rc.yaml", "battery-ecm.yaml", "kinematic-cv.yaml", "pendulum-expr.yaml"].flatMap((f) => [
  "--twin",
  `${repoRoot}deploy/twins/${f}`,
]);

describe("twinstate replay", () => {
  test("determinism: the CLI's estimates equal the engine's, bit for bit", () => {
    const dir = mkdtempSync(join(tmpdir(), "twinstate-replay-"));
    const readings = mixedReadings(600, 3);
    writeFileSync(join(dir, "in.ndjson"), readings.map((r) => toJsonString(ValidatedReadingSchema, r)).join("\n"));
    execFileSync(
      process.execPath,
      [
        cli,
        "replay",
        ...twins,
        "--binding",
        `${repoRoot}deploy/twins/bindings.yaml`,
        "--input",
        join(dir, "in.ndjson"),
        "--out",
        join(dir, "out.ndjson"),
      ],
      { stdio: "pipe" },
    );
    const lines = readFileSync(join(dir, "out.ndjson"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(readings.length);
    const engine = new TwinEngine(exampleCatalog());
    readings.forEach((r, i) => {
      const expected = toBinary(StateEstimateSchema, engine.process(r));
      const got = toBinary(StateEstimateSchema, fromJsonString(StateEstimateSchema, lines[i] as string));
      expect(Buffer.from(got).equals(Buffer.from(expected))).toBe(true);
    });
  });

  test("reads CSV and binds every asset to the first twin when no bindings are given", () => {
    const dir = mkdtempSync(join(tmpdir(), "twinstate-replay-"));
    const rows = ["tenant,asset,sensor,event_time,value,unit"];
    for (let i = 0; i < 50; i++)
      rows.push(`acme,oven-${i % 3},outlet_temp,${1_800_000_000 + i},${300 + (i % 5) * 0.1},K`);
    writeFileSync(join(dir, "in.csv"), `${rows.join("\n")}\n`);
    const stdout = execFileSync(
      process.execPath,
      [
        cli,
        "replay",
        "--twin",
        `${repoRoot}deploy/twins/thermal-rc.yaml`,
        "--input",
        join(dir, "in.csv"),
        "--out",
        join(dir, "out.ndjson"),
      ],
      { stdio: "pipe" },
    );
    expect(stdout.toString()).toBe("");
    const out = readFileSync(join(dir, "out.ndjson"), "utf8")
      .trim()
      .split("\n")
      .map((l) => fromJsonString(StateEstimateSchema, l));
    expect(out).toHaveLength(50);
    expect(out.every((e) => e.twinClassId === "thermal-rc" && e.statusReason === "")).toBe(true);
    expect(out.filter((e) => e.asset === "oven-2").map((e) => e.sequence)).toEqual(
      Array.from({ length: 16 }, (_, i) => BigInt(i + 1)),
    );
  });

  test("validate prints each error with its file and field and exits non-zero", () => {
    const dir = mkdtempSync(join(tmpdir(), "twinstate-validate-"));
    const bad = readFileSync(`${repoRoot}deploy/twins/thermal-rc.yaml`, "utf8").replace("noiseStd: 0.2", "noiseStd: 0");
    writeFileSync(join(dir, "bad.yaml"), bad);
    let failure: { status: number; stderr: Buffer } | undefined;
    try {
      execFileSync(process.execPath, [cli, "validate", join(dir, "bad.yaml")], { stdio: "pipe" });
    } catch (error) {
      failure = error as { status: number; stderr: Buffer };
    }
    expect(failure?.status).toBe(1);
    expect(failure?.stderr.toString()).toContain(`${join(dir, "bad.yaml")}: sensors.outlet_temp.noiseStd: must be > 0`);
  });
});
