import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { describe, expect, test } from "@jest/globals";
import { DetectorKind, DetectorStateSchema, type StateEstimate, StateEstimateSchema } from "@twinstate/proto";
import { DriftDefinitions } from "../src/definitions/drift-definitions.ts";
import { detectorKindOf } from "../src/mapping/drift-event-of.ts";
import { detectorStateMessage } from "../src/service/drift-grpc-service.ts";
import { DriftSuites } from "../src/suites/drift-suites.ts";
import { estimateStream } from "./estimate-fixtures.ts";

/**
 * The stream of {@link estimateStream} with `predicted_measurement` ẑ⁻ filled, and from reading `stuckFrom` on a
 * sensor frozen at `stuckAt`: ẑ⁻ keeps moving (ẑ⁻ = stuckAt − y of the healthy stream) and y = stuckAt − ẑ⁻, so
 * the residuals look healthy while every raw reading z = ẑ⁻ + y is exactly `stuckAt` (ẑ⁻ and z are within a
 * factor 2, so the subtraction is exact: Sterbenz).
 */
function withPrediction(stream: readonly StateEstimate[], stuckFrom: number, stuckAt: number): StateEstimate[] {
  let prior = 20;
  return stream.map((e, i) => {
    const innovation = e.innovation!;
    let residual = innovation.residual[0]!;
    let predicted = prior;
    if (i >= stuckFrom) {
      predicted = stuckAt - residual;
      residual = stuckAt - predicted;
    }
    prior = e.mean[0]!;
    return create(StateEstimateSchema, {
      ...e,
      innovation: { ...innovation, residual: [residual], predictedMeasurement: [predicted] },
    });
  });
}

/** Feeds `estimates` to fresh suites; returns the stuck-sensor events and the suites. */
function run(estimates: readonly StateEstimate[]) {
  const suites = new DriftSuites(new DriftDefinitions());
  const events = estimates.flatMap((e) => {
    const o = suites.process(e, 0);
    return o.kind === "fed" ? o.events : [];
  });
  return { suites, stuck: events.filter((e) => e.detector === "stuck_sensor") };
}

describe("Innovation.predicted_measurement feeds the stuck-sensor repeat test with raw readings", () => {
  const healthy = estimateStream({ asset: "a", readings: 200, seed: 11 });
  const frozen = withPrediction(healthy, 100, 20.5);

  test("a sensor frozen at 20.5 from reading 100: one critical STUCK_SENSOR event after 20 identical readings", () => {
    for (const e of frozen.slice(100))
      expect(e.innovation!.predictedMeasurement[0]! + e.innovation!.residual[0]!).toBe(20.5);
    const { stuck } = run(frozen);
    expect(stuck.length).toBeGreaterThanOrEqual(1);
    const first = stuck[0]!;
    expect(first.estimateSequence).toBe(120n); // readings 100..119 (sequences 101..120) are the 20 repeats
    expect(first.detectorKind).toBe(DetectorKind.STUCK_SENSOR);
    expect(first.details.reading).toBe("20.5");
    expect(first.details.repeats).toBe("20");
    expect(first.details.onset_index).toBe("100");
  });

  test("the same estimates without predicted_measurement (the fallback on residuals): no repeat detection", () => {
    const residualsOnly = frozen.map((e) =>
      create(StateEstimateSchema, { ...e, innovation: { ...e.innovation!, predictedMeasurement: [] } }),
    );
    expect(run(residualsOnly).stuck.filter((e) => e.details.repeats !== undefined)).toEqual([]);
  });
});

describe("GetDetectorState: the contract's statistic, threshold, counts and extras for every detector", () => {
  test("every detector of a default suite has a kind and its library state, finite, round-tripping the wire", () => {
    const { suites } = run(withPrediction(estimateStream({ asset: "a", readings: 300, seed: 12 }), 300, 0));
    const record = suites.get("acme/a/T_outlet")!;
    const states = record.suite.state();
    expect(states.map((s) => s.detector).sort()).toEqual(
      ["adwin", "cusum", "interval_coverage", "nis_window", "noise_level", "page_hinkley", "stuck_sensor"].sort(),
    );
    for (const s of states) {
      const message = fromBinary(DetectorStateSchema, toBinary(DetectorStateSchema, detectorStateMessage(record, s)));
      expect(message.detectorKind).toBe(detectorKindOf(s.detector));
      expect(message.detectorKind).not.toBe(DetectorKind.UNSPECIFIED);
      expect(message.statistic).toBe(s.statistic);
      expect(message.threshold).toBe(s.threshold);
      expect(message.samplesSeen).toBe(300n);
      expect(message.detections).toBe(BigInt(s.detections));
      expect(message.samples).toBe(BigInt(s.samplesSinceReset));
      expect(message.extra).toEqual(s.extra ?? {});
      expect(Object.keys(message.extra).length).toBeGreaterThan(0);
    }
    const cusum = fromBinary(
      DetectorStateSchema,
      toBinary(DetectorStateSchema, detectorStateMessage(record, states.find((s) => s.detector === "cusum")!)),
    );
    expect(cusum.state.case).toBe("cusum");
    if (cusum.state.case === "cusum") expect(cusum.state.value.upperSum).toBe(cusum.extra.upper);
  });

  test("no NaN or Inf is published: an infinite statistic is clamped, non-finite extras are left out", () => {
    const { suites } = run(estimateStream({ asset: "a", readings: 1, seed: 13 }));
    const record = suites.get("acme/a/T_outlet")!;
    const message = detectorStateMessage(record, {
      detector: "interval_coverage",
      statistic: Number.POSITIVE_INFINITY,
      threshold: 2,
      samplesSinceReset: 0,
      samplesSeen: 4,
      detections: 1,
      extra: { coverage: Number.NaN, filled: 0, ratio: Number.NEGATIVE_INFINITY },
    });
    expect(message.detectorKind).toBe(DetectorKind.INTERVAL_COVERAGE);
    expect(message.statistic).toBe(Number.MAX_VALUE);
    expect(message.extra).toEqual({ filled: 0 });
    expect(message.samplesSeen).toBe(4n);
    expect(message.detections).toBe(1n);
  });
});
