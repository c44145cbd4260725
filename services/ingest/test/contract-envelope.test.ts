import { create, toBinary } from "@bufbuild/protobuf";
import { describe, expect, test } from "@jest/globals";
import { ContractFormat, DataContractSchema } from "@twinstate/proto";
import { ContractError, contractEnvelope, readContractRecord } from "../src/contracts/index.ts";
import { UnitRegistry } from "../src/units/index.ts";
import { TEST_CONTRACT_YAML } from "./reading-fixtures.ts";

const units = new UnitRegistry();

function envelope(overrides: Record<string, unknown>): Uint8Array {
  return toBinary(
    DataContractSchema,
    create(DataContractSchema, {
      id: "acme/test",
      version: 3,
      format: ContractFormat.YAML,
      document: TEST_CONTRACT_YAML,
      tenant: "acme",
      ...overrides,
    }),
  );
}

function fieldOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ContractError) return error.field;
    throw error;
  }
  throw new Error("expected a ContractError");
}

describe("contract records on the contracts topic", () => {
  test("an envelope built by contractEnvelope reads back as the same contract", () => {
    const { key, value, contract } = contractEnvelope(TEST_CONTRACT_YAML, "yaml", "t.yaml", units);
    expect(key).toBe("contract/acme/test");
    const read = readContractRecord(key, value, "topic p0 o1", units);
    expect("removed" in read).toBe(false);
    if (!("removed" in read)) {
      expect([read.id, read.version, read.tenant]).toEqual([contract.id, 3, "acme"]);
      expect(read.source).toBe("topic p0 o1");
    }
  });

  test("a tombstone removes the contract named by the key", () => {
    expect(readContractRecord("contract/acme/test", null, "s", units)).toEqual({ removed: "acme/test" });
  });

  test("key, envelope and document must agree; the format must be set", () => {
    expect(fieldOf(() => readContractRecord("contract/other", envelope({}), "s", units))).toBe("id");
    expect(fieldOf(() => readContractRecord("contract/acme/test", envelope({ version: 4 }), "s", units))).toBe(
      "version",
    );
    expect(fieldOf(() => readContractRecord("contract/acme/test", envelope({ tenant: "x" }), "s", units))).toBe(
      "tenant",
    );
    expect(fieldOf(() => readContractRecord("contract/acme/test", envelope({ format: 0 }), "s", units))).toBe("format");
    expect(fieldOf(() => readContractRecord("acme/test", envelope({}), "s", units))).toBe("");
    expect(fieldOf(() => readContractRecord("contract/acme/test", Uint8Array.of(0xff, 0xff), "s", units))).toBe("");
  });

  test("an invalid document in a valid envelope names the record and the field", () => {
    const bad = TEST_CONTRACT_YAML.replace("unit: Pa", "unit: pascals");
    let error: unknown;
    try {
      readContractRecord("contract/acme/test", envelope({ document: bad }), "topic c partition 0 offset 9", units);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).message).toBe(
      'topic c partition 0 offset 9: sensorTypes[1].unit: unknown unit "pascals"',
    );
  });
});
