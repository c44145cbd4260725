import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { describe, expect, test } from "@jest/globals";
import { EstimateStatus, StateEstimateSchema } from "@twinstate/proto";
import { COVERAGE_Z90, estimateSample, unpackUpper } from "../src/mapping/estimate-sample.ts";

const base = {
  tenant: "acme",
  asset: "pump-1",
  twinClassId: "kinematic-cv",
  twinClassVersion: 2,
  eventTime: timestampFromMs(1_700_000_000_123),
  sequence: 7n,
};

describe("estimate → detector sample mapping", () => {
  test("a 2-component innovation: y, full S from the packed triangle, nis, zero-centred 90 % interval", () => {
    const e = create(StateEstimateSchema, {
      ...base,
      status: EstimateStatus.OK,
      innovation: { sensor: "gps", residual: [1.5, -2], covariance: [4, 0.5, 9], nis: 0.8 },
    });
    const m = estimateSample(e, 41);
    expect(m.kind).toBe("sample");
    if (m.kind !== "sample") return;
    expect(m.sensor).toBe("gps");
    expect(m.dimZ).toBe(2);
    expect(m.sample.index).toBe(41);
    expect(m.sample.time).toBe(1_700_000_000_123);
    expect(Array.from(m.sample.y)).toEqual([1.5, -2]);
    expect(Array.from(m.sample.S)).toEqual([4, 0.5, 0.5, 9]);
    expect(m.sample.nis).toBe(0.8);
    // z inside ẑ⁻ ± z₀.₉₅√S_jj  ⇔  y_j inside ±z₀.₉₅√S_jj
    expect(Array.from(m.sample.lower ?? [])).toEqual([-COVERAGE_Z90 * 2, -COVERAGE_Z90 * 3]);
    expect(Array.from(m.sample.upper ?? [])).toEqual([COVERAGE_Z90 * 2, COVERAGE_Z90 * 3]);
    expect(Array.from(m.sample.reading ?? [])).toEqual([1.5, -2]);
    expect(m.readingSource).toBe("residual");
  });

  test("with predicted_measurement ẑ⁻: the reading is z = ẑ⁻ + y and the 90 % interval is centred on ẑ⁻", () => {
    const e = create(StateEstimateSchema, {
      ...base,
      status: EstimateStatus.OK,
      innovation: {
        sensor: "gps",
        residual: [1.5, -2],
        covariance: [4, 0.5, 9],
        nis: 0.8,
        predictedMeasurement: [100, -50],
      },
    });
    const m = estimateSample(e, 3);
    expect(m.kind).toBe("sample");
    if (m.kind !== "sample") return;
    expect(m.readingSource).toBe("measurement");
    expect(Array.from(m.sample.reading ?? [])).toEqual([101.5, -52]);
    expect(Array.from(m.sample.y)).toEqual([1.5, -2]);
    expect(Array.from(m.sample.lower ?? [])).toEqual([100 - COVERAGE_Z90 * 2, -50 - COVERAGE_Z90 * 3]);
    expect(Array.from(m.sample.upper ?? [])).toEqual([100 + COVERAGE_Z90 * 2, -50 + COVERAGE_Z90 * 3]);
  });

  test.each([
    ["of the wrong length", [100]],
    ["not finite", [100, Number.NaN]],
    ["overflowing", [Number.MAX_VALUE, 0]],
  ])("a predicted_measurement %s falls back to the residual (the estimate is still fed)", (_what, predicted) => {
    const e = create(StateEstimateSchema, {
      ...base,
      status: EstimateStatus.OK,
      innovation: {
        sensor: "gps",
        residual: [Number.MAX_VALUE, -2],
        covariance: [4, 0.5, 9],
        nis: 0.8,
        predictedMeasurement: predicted,
      },
    });
    const m = estimateSample(e, 0);
    expect(m.kind).toBe("sample");
    if (m.kind !== "sample") return;
    expect(m.readingSource).toBe("residual");
    expect(Array.from(m.sample.reading ?? [])).toEqual([Number.MAX_VALUE, -2]);
    expect(Array.from(m.sample.lower ?? [])).toEqual([-COVERAGE_Z90 * 2, -COVERAGE_Z90 * 3]);
  });

  test("gated estimates are fed (a gated bias is exactly what drift detection must see)", () => {
    const e = create(StateEstimateSchema, {
      ...base,
      status: EstimateStatus.GATED,
      innovation: { sensor: "T", residual: [12], covariance: [1], nis: 144, gated: true, gateThreshold: 10.8 },
    });
    const m = estimateSample(e, 0);
    expect(m.kind).toBe("sample");
  });

  test.each([
    ["quarantined", EstimateStatus.QUARANTINED],
    ["rejected", EstimateStatus.REJECTED],
    ["unspecified_status", EstimateStatus.UNSPECIFIED],
  ] as const)("%s estimates are skipped", (reason, status) => {
    const e = create(StateEstimateSchema, {
      ...base,
      status,
      innovation: { sensor: "T", residual: [1], covariance: [1], nis: 1 },
    });
    expect(estimateSample(e, 0)).toEqual({ kind: "skip", reason });
  });

  test("predict-only estimates and broken innovations are skipped", () => {
    expect(estimateSample(create(StateEstimateSchema, { ...base, status: EstimateStatus.OK }), 0)).toEqual({
      kind: "skip",
      reason: "no_innovation",
    });
    for (const innovation of [
      { sensor: "T", residual: [1, 2], covariance: [1, 0] }, // wrong packed length
      { sensor: "T", residual: [1], covariance: [0] }, // S not positive
      { sensor: "T", residual: [1], covariance: [-1] },
    ]) {
      const e = create(StateEstimateSchema, { ...base, status: EstimateStatus.OK, innovation });
      expect(estimateSample(e, 0)).toEqual({ kind: "skip", reason: "bad_innovation" });
    }
  });

  test("unpackUpper mirrors the packed upper triangle", () => {
    expect(Array.from(unpackUpper([1, 2, 3, 4, 5, 6], 3))).toEqual([1, 2, 3, 2, 4, 5, 3, 5, 6]);
  });
});
