import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "@jest/globals";
import {
  type CompiledContract,
  ContractError,
  ContractRegistry,
  loadContractDirectory,
  parseContracts,
} from "../src/contracts/index.ts";
import { UnitRegistry } from "../src/units/index.ts";
import { TEST_CONTRACT_YAML } from "./reading-fixtures.ts";

const units = new UnitRegistry();
const deployDir = fileURLToPath(new URL("../../../deploy/contracts", import.meta.url));

function contractError(text: string, format: "yaml" | "json" = "yaml", source = "contracts/acme.yaml"): ContractError {
  try {
    parseContracts(text, format, source, units);
  } catch (error) {
    if (error instanceof ContractError) return error;
    throw error;
  }
  throw new Error("expected a ContractError");
}

function withChange(from: string, to: string): string {
  if (!TEST_CONTRACT_YAML.includes(from)) throw new Error(`fixture lacks ${from}`);
  return TEST_CONTRACT_YAML.replace(from, to);
}

describe("contract loading", () => {
  test("the example contracts in deploy/contracts load and compile", async () => {
    const contracts = await loadContractDirectory(deployDir, units);
    expect(contracts.map((c) => c.id).sort()).toEqual([
      "acme/pump-sensors",
      "shared/environment",
      "volta/battery-cells",
    ]);
    const registry = new ContractRegistry(contracts);
    const found = registry.lookup("acme", "bearing_accel");
    expect(found.kind).toBe("found");
    if (found.kind === "found") expect(found.type.vectorLength).toBe(3);
  });

  test("defaults apply to every sensor type unless overridden; built-ins fill the rest", () => {
    const [c] = parseContracts(TEST_CONTRACT_YAML, "yaml", "t.yaml", units) as [CompiledContract];
    const [temperature, , vibration] = c.types;
    expect(temperature!.rate).toEqual({ perSecond: 10, burst: 5 });
    expect(temperature!.maxPayloadBytes).toBe(512);
    expect(vibration!.requiredFields.has("idempotency_key")).toBe(true);
    expect(c.version).toBe(3);
    const minimal = parseContracts(
      "apiVersion: twinstate/v1\nkind: DataContract\nid: x\nversion: 1\nsensorTypes: [{type: t, sensors: [s], unit: K}]",
      "yaml",
      "m.yaml",
      units,
    )[0]!;
    expect(minimal.tenant).toBe("");
    expect(minimal.types[0]!.rate).toBeUndefined();
    expect(minimal.types[0]!.skew).toEqual({ futureMs: 5000, pastMs: 604800000 });
    expect(minimal.types[0]!.min).toBe(Number.NEGATIVE_INFINITY);
  });

  test("a YAML file may hold several contracts", () => {
    const second = TEST_CONTRACT_YAML.replace("id: acme/test", "id: acme/other").replace(
      "tenant: acme",
      "tenant: beta",
    );
    const all = parseContracts(`${TEST_CONTRACT_YAML}\n---\n${second}`, "yaml", "two.yaml", units);
    expect(all.map((c) => c.id)).toEqual(["acme/test", "acme/other"]);
  });

  test.each([
    ["a wrong type", withChange("version: 3", "version: three"), "version"],
    ["a missing field", withChange("kind: DataContract\n", ""), "kind"],
    ["a misspelt key", withChange("rate: { perSecond: 10", "rate: { perSecnd: 10"), "defaults.rate.perSecnd"],
    ["a negative limit", withChange("maxPayloadBytes: 512", "maxPayloadBytes: -1"), "defaults.maxPayloadBytes"],
    ["an unknown unit", withChange("unit: Pa", "unit: pascals"), "sensorTypes[1].unit"],
    [
      "an unknown accepted unit",
      withChange('[K, Cel, "[degF]"]', "[K, Cel, furlong]"),
      "sensorTypes[0].acceptedUnits[2]",
    ],
    [
      "an accepted unit of another dimension",
      withChange('[K, Cel, "[degF]"]', "[K, Cel, kPa]"),
      "sensorTypes[0].acceptedUnits[2]",
    ],
    [
      "min above max",
      withChange("range: { min: 0, max: 2500000 }", "range: { min: 10, max: 1 }"),
      "sensorTypes[1].range",
    ],
    [
      "a sensor in two types",
      withChange("sensors: [inlet_pressure]", "sensors: [outlet_temp]"),
      "sensorTypes[1].sensors[0]",
    ],
    [
      "an unknown required field",
      withChange("requiredFields: [idempotency_key]", "requiredFields: [colour]"),
      "sensorTypes[2].requiredFields[0]",
    ],
    ["a zero vector length", withChange("vectorLength: 3", "vectorLength: 0"), "sensorTypes[2].vectorLength"],
    ["a bad id", withChange("id: acme/test", 'id: "acme test"'), "id"],
  ])("%s is a ContractError naming the file and the field path", (_what, text, field) => {
    const error = contractError(text);
    expect(error.source).toBe("contracts/acme.yaml");
    expect(error.field).toBe(field);
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toContain("contracts/acme.yaml");
    expect(error.message).toContain(field);
  });

  test("YAML syntax errors name the file and the line", () => {
    const error = contractError("apiVersion: twinstate/v1\nkind: [DataContract\n");
    expect(error.message).toMatch(/contracts\/acme\.yaml: \(document\): not valid YAML \(line \d+/);
  });

  test("JSON syntax errors name the file", () => {
    const error = contractError('{"apiVersion": ', "json", "c.json");
    expect(error.source).toBe("c.json");
    expect(error.message).toContain("not valid JSON");
  });

  test("a bad file in a directory stops loading with that file's name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "contracts-"));
    writeFileSync(join(dir, "a-good.yaml"), TEST_CONTRACT_YAML);
    writeFileSync(join(dir, "b-bad.json"), JSON.stringify({ apiVersion: "twinstate/v1", kind: "DataContract" }));
    writeFileSync(join(dir, "README.md"), "not a contract");
    await expect(loadContractDirectory(dir, units)).rejects.toThrow(/b-bad\.json: id: /);
    await expect(loadContractDirectory(join(dir, "missing"), units)).rejects.toBeInstanceOf(ContractError);
  });
});

describe("contract registry", () => {
  const parse = (text: string) => parseContracts(text, "yaml", "r.yaml", units)[0]!;
  const v3 = parse(TEST_CONTRACT_YAML);

  test("the highest version of an id wins; older and equal versions are stale", () => {
    const registry = new ContractRegistry([v3]);
    expect(registry.put(parse(withChange("version: 3", "version: 2")))).toBe("stale");
    expect(registry.put(parse(TEST_CONTRACT_YAML))).toBe("stale");
    const v4 = parse(withChange("version: 3", "version: 4").replace("max: 473.15", "max: 500"));
    expect(registry.put(v4)).toBe("replaced");
    const found = registry.lookup("acme", "outlet_temp");
    expect(found.kind === "found" && found.type.contractVersion).toBe(4);
    expect(found.kind === "found" && found.type.max).toBe(500);
  });

  test("no contract for the tenant vs. contracts without the sensor", () => {
    const registry = new ContractRegistry([v3]);
    expect(registry.lookup("beta", "outlet_temp").kind).toBe("no-contract");
    expect(registry.lookup("acme", "nope").kind).toBe("unknown-sensor");
    expect(registry.remove("acme/test")).toBe(true);
    expect(registry.lookup("acme", "outlet_temp").kind).toBe("no-contract");
  });

  test("a tenant's own contract takes precedence over one for every tenant", () => {
    const shared = parse(withChange("tenant: acme\n", "").replace("id: acme/test", "id: shared/all"));
    const registry = new ContractRegistry([shared, v3]);
    const own = registry.lookup("acme", "outlet_temp");
    expect(own.kind === "found" && own.type.contractId).toBe("acme/test");
    const other = registry.lookup("beta", "outlet_temp");
    expect(other.kind === "found" && other.type.contractId).toBe("shared/all");
    // an every-tenant contract does not make a tenant known: a sensor nobody declares is CONTRACT_MISSING
    expect(registry.lookup("beta", "nope").kind).toBe("no-contract");
    expect(registry.lookup("acme", "nope").kind).toBe("unknown-sensor");
  });

  test("two contracts of one tenant declaring the same sensor: the second is refused, the first stays", () => {
    const registry = new ContractRegistry([v3]);
    const clash = parse(TEST_CONTRACT_YAML.replace("id: acme/test", "id: acme/clash"));
    expect(() => registry.put(clash)).toThrow(ContractError);
    expect(registry.get("acme/clash")).toBeUndefined();
    const found = registry.lookup("acme", "outlet_temp");
    expect(found.kind === "found" && found.type.contractId).toBe("acme/test");
  });
});
