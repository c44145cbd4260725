import { describe, expect, test } from "@jest/globals";
import { DefinitionCatalog, DefinitionConflictError } from "../src/definitions/definition-catalog.ts";
import { DefinitionError } from "../src/definitions/definition-error.ts";
import {
  loadTwinDefinitionFile,
  parseAssetBindings,
  parseTwinDefinition,
} from "../src/definitions/load-twin-definition.ts";
import { repoRoot } from "./reading-fixtures.ts";

const thermal = `
twinClass: thermal-rc
version: 2
state:
  - { name: T, unit: K, initial: { mean: 293.15, std: 5 } }
inputs:
  - { name: P, unit: W, sensor: heater_power }
model:
  builtin: first_order_thermal
  parameters: { R: 0.05, C: 20000, ambient: 293.15, q: 0.001 }
filter: { type: kf }
sensors:
  outlet_temp: { model: direct, unit: K, measured: [T], noiseStd: 0.2 }
`;

function issuesOf(text: string, source = "oven.yaml"): string[] {
  try {
    parseTwinDefinition(text, "yaml", source);
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    return (error as DefinitionError).message.split("\n");
  }
  throw new Error("expected a DefinitionError");
}

describe("twin definitions", () => {
  test("the deploy/twins examples load", () => {
    for (const f of ["thermal-rc.yaml", "battery-ecm.yaml", "kinematic-cv.yaml", "pendulum-expr.yaml"]) {
      expect(loadTwinDefinitionFile(`${repoRoot}deploy/twins/${f}`).version).toBe(1);
    }
  });

  test("errors name the file and the field", () => {
    expect(issuesOf(thermal.replace("noiseStd: 0.2", "noiseStd: -1"))).toContain(
      "oven.yaml: sensors.outlet_temp.noiseStd: must be > 0",
    );
    expect(issuesOf(thermal.replace("measured: [T]", "measured: [Temp]"))[0]).toMatch(
      /^oven\.yaml: sensors\.outlet_temp\.measured\[0\]: "Temp" is not a declared state variable/,
    );
    expect(issuesOf(thermal.replace("C: 20000", "C: 0"))[0]).toMatch(/^oven\.yaml: model\.parameters\.C: /);
    expect(issuesOf(thermal.replace("q: 0.001 }", "q: 0.001, k: 3 }"))[0]).toMatch(
      /^oven\.yaml: model\.parameters\.k: not a parameter/,
    );
    expect(issuesOf(thermal.replace("name: T,", "name: Temp,"))[0]).toMatch(
      /^oven\.yaml: state: built-in model first_order_thermal has state \[T\]/,
    );
    expect(issuesOf(thermal.replace("type: kf", "type: lms"))[0]).toMatch(/^oven\.yaml: filter\.type: /);
    expect(issuesOf("twinClass: [unclosed")[0]).toMatch(/^oven\.yaml: line 1 column \d+: not valid YAML/);
  });

  test("expression models compile, and expression errors name the field", () => {
    const expr = thermal.replace(
      /model:\n {2}builtin: first_order_thermal\n {2}parameters: \{[^}]*\}/,
      'model:\n  expressions:\n    parameters: { R: 0.05, C: 20000, amb: 293.15 }\n    dynamics: { T: "(amb - T)/(R*C) + P/C" }\n    processNoise: { T: 0.001 }',
    );
    expect(parseTwinDefinition(expr, "yaml", "x.yaml").transition.linear).toBe(true);
    expect(issuesOf(expr.replace("(amb - T)", "(ambient - T)"))[0]).toMatch(/^oven\.yaml: model\.expressions/);
  });

  test("versions are immutable; bindings must name a known class version", () => {
    const catalog = new DefinitionCatalog();
    const v2 = parseTwinDefinition(thermal, "yaml", "a.yaml");
    expect(catalog.putClass(v2)).toBe("added");
    expect(catalog.putClass(parseTwinDefinition(thermal, "yaml", "b.yaml"))).toBe("unchanged");
    expect(() => catalog.putClass(parseTwinDefinition(thermal.replace("0.2", "0.3"), "yaml", "c.yaml"))).toThrow(
      DefinitionConflictError,
    );
    const [binding] = parseAssetBindings("asset: acme/oven-9\ntwinClass: thermal-rc\nversion: 3\n", "yaml", "b.yaml");
    expect(() => catalog.bind(binding!, "b.yaml")).toThrow(
      /b\.yaml: twinClass: unknown twin class thermal-rc version 3/,
    );
    catalog.bind({ ...binding!, version: 0 }, "b.yaml");
    expect(catalog.resolve("acme/oven-9")?.twinClass.version).toBe(2);
    expect(() =>
      parseAssetBindings("bindings:\n  - asset: nope\n    twinClass: x\n    version: 1\n", "yaml", "c.yaml"),
    ).toThrow(/c\.yaml: bindings\[0\]\.asset: must be tenant\/asset/);
  });
});
