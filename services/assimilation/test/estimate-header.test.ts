import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { describe, expect, test } from "@jest/globals";
import { StateEstimateSchema } from "@twinstate/proto";
import { TwinEngine } from "../src/engine/twin-engine.ts";
import { peekEstimateHeader } from "../src/service/estimate-header.ts";
import { exampleCatalog, mixedReadings } from "./reading-fixtures.ts";

describe("peekEstimateHeader", () => {
  test("reads the same header fields as a full decode, for every estimate of a mixed run", () => {
    const engine = new TwinEngine(exampleCatalog());
    const estimates = mixedReadings(400).map((r) => engine.process(r));
    for (const estimate of estimates) {
      const bytes = toBinary(StateEstimateSchema, estimate);
      const full = fromBinary(StateEstimateSchema, bytes);
      const header = peekEstimateHeader(bytes);
      expect(header).toEqual({
        tenant: full.tenant,
        asset: full.asset,
        twinClassId: full.twinClassId,
        twinClassVersion: full.twinClassVersion,
        eventTime: full.eventTime,
        status: full.status,
        sequence: full.sequence,
      });
    }
    expect(new Set(estimates.map((e) => e.status)).size).toBeGreaterThan(1);
  });

  test("absent fields read as their defaults; a sequence above 2^53 stays exact", () => {
    const header = peekEstimateHeader(
      toBinary(StateEstimateSchema, create(StateEstimateSchema, { tenant: "t", sequence: 2n ** 60n + 1n })),
    );
    expect(header).toMatchObject({ tenant: "t", asset: "", twinClassId: "", twinClassVersion: 0, status: 0 });
    expect(header.eventTime).toBeUndefined();
    expect(header.sequence).toBe(2n ** 60n + 1n);
  });

  test("truncated bytes throw (the view skips them) instead of yielding a partial header", () => {
    const engine = new TwinEngine(exampleCatalog());
    const bytes = toBinary(StateEstimateSchema, engine.process(mixedReadings(1)[0]!));
    expect(() => peekEstimateHeader(bytes.subarray(0, bytes.length - 3))).toThrow();
  });
});
