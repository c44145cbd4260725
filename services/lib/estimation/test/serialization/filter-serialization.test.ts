import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import { SerializationFormatError, SerializedModelMismatchError } from "../../src/errors/serialization-error.ts";
import type { FilterBase } from "../../src/filters/filter-base.ts";
import { deserializeFilter, serializeFilter } from "../../src/serialization/filter-serialization.ts";
import { LagWindowFilter } from "../../src/time/lag-window-filter.ts";
import { cvModels, feed, makeFilter, scriptedReadings, type TestFilterKind } from "../support/filter-factory.ts";
import { bitEqual, ConstantVelocityTestModel, SelectorTestSensor } from "../support/test-models.ts";

const kinds: TestFilterKind[] = ["kf", "ekf", "ukf-merwe", "ukf-julier", "pf"];

function expectSameState(a: FilterBase, b: FilterBase): void {
  const sa = a.captureState();
  const sb = b.captureState();
  expect(Object.is(sa.t, sb.t)).toBe(true);
  expect(bitEqual(sa.x, sb.x)).toBe(true);
  expect(bitEqual(sa.P, sb.P)).toBe(true);
  expect(bitEqual(sa.lastInput, sb.lastInput)).toBe(true);
  expect(Object.is(sa.logLikelihood, sb.logLikelihood)).toBe(true);
  expect(sb.health).toEqual(sa.health);
  expect(sb.quarantine).toEqual(sa.quarantine);
  if (sa.particles !== undefined) {
    expect(bitEqual(sa.particles.cloud, sb.particles?.cloud as Float64Array)).toBe(true);
    expect(bitEqual(sa.particles.weights, sb.particles?.weights as Float64Array)).toBe(true);
    expect(Array.from(sb.particles?.rng.words as Uint32Array)).toEqual(Array.from(sa.particles.rng.words));
  }
}

describe("serializeFilter / deserializeFilter", () => {
  test.each(kinds)("%s: run N steps, serialize, restore, run M more on both — bit-identical", (kind) => {
    const readings = scriptedReadings(60, 11);
    const live = makeFilter(kind);
    feed(live, readings.slice(0, 35));
    const bytes = serializeFilter(live);
    const restored = deserializeFilter(bytes, cvModels()) as FilterBase;
    expect(restored.kind).toBe(live.kind);
    expectSameState(live, restored);
    expect(serializeFilter(restored)).toEqual(bytes);
    feed(live, readings.slice(35));
    feed(restored, readings.slice(35));
    expectSameState(live, restored);
  });

  test("a 6-state Gaussian filter serializes to at most 1 KiB", () => {
    for (const kind of ["kf", "ekf", "ukf-merwe"] as const) {
      const models = cvModels(3);
      const f = makeFilter(kind, models);
      feed(f, scriptedReadings(20, 5, 3));
      const bytes = serializeFilter(f);
      expect(f.dimX).toBe(6);
      expect(bytes.length).toBeLessThanOrEqual(1024);
      console.log(`serialized 6-state ${kind}: ${bytes.length} bytes`);
    }
  });

  test("quarantine and health counters survive the round trip", () => {
    const f = makeFilter("kf");
    feed(f, scriptedReadings(5, 2));
    f.update("gps", new Float64Array([1e6, 1e6]));
    (f as unknown as { quarantine: unknown }).quarantine = { reason: "test: numbers went bad", t: f.t };
    const g = deserializeFilter(serializeFilter(f), cvModels()) as FilterBase;
    expect(g.quarantine).toEqual({ reason: "test: numbers went bad", t: f.t });
    expect(g.health.gated).toBe(1);
    expect(g.update("gps", new Float64Array([0, 0])).status).toMatchObject({ reason: "QUARANTINED" });
  });

  test("restoring against different models fails with a typed error naming the mismatch", () => {
    const bytes = serializeFilter(makeFilter("ukf-merwe"));
    const wrongTransition = { ...cvModels(), transition: new ConstantVelocityTestModel(1, 0.05) };
    expect(() => deserializeFilter(bytes, wrongTransition)).toThrow(SerializedModelMismatchError);
    const wrongSensor = {
      transition: new ConstantVelocityTestModel(2, 0.05),
      sensors: {
        gps: { model: new SelectorTestSensor(4, [0], 0.25) },
        speed: { model: new SelectorTestSensor(4, [1], 0.04) },
      },
    };
    try {
      deserializeFilter(bytes, wrongSensor);
      throw new Error("expected a mismatch");
    } catch (e) {
      expect(e).toBeInstanceOf(SerializedModelMismatchError);
      expect((e as SerializedModelMismatchError).code).toBe("SERIALIZED_MODEL_MISMATCH");
      expect((e as SerializedModelMismatchError).details.sensor).toBe("gps");
    }
  });

  test("corrupt bytes fail with SERIALIZATION_FORMAT: bad magic, unknown version, truncation", () => {
    const bytes = serializeFilter(makeFilter("pf"));
    const badMagic = bytes.slice();
    badMagic[0] = 0;
    expect(() => deserializeFilter(badMagic, cvModels())).toThrow(SerializationFormatError);
    const badVersion = bytes.slice();
    badVersion[4] = 99;
    expect(() => deserializeFilter(badVersion, cvModels())).toThrow(/version 99/);
    expect(() => deserializeFilter(bytes.slice(0, bytes.length - 3), cvModels())).toThrow(SerializationFormatError);
  });

  test("property: random filters and histories round-trip bit-exactly and continue identically", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: 10 }),
        (kind, steps, seed, more) => {
          const readings = scriptedReadings(steps + more, seed);
          const live = makeFilter(kind, cvModels(), seed);
          feed(live, readings.slice(0, steps));
          const restored = deserializeFilter(serializeFilter(live), cvModels()) as FilterBase;
          feed(live, readings.slice(steps));
          feed(restored, readings.slice(steps));
          expect(serializeFilter(restored)).toEqual(serializeFilter(live));
        },
      ),
      { numRuns: 25 },
    );
  });

  test("a lag window round-trips with its history and re-filters late readings identically after restore", () => {
    const readings = scriptedReadings(40, 9);
    const live = new LagWindowFilter(makeFilter("pf"), 1.0);
    for (const r of readings.slice(0, 30)) live.ingest(r);
    const bytes = serializeFilter(live);
    const restored = deserializeFilter(bytes, cvModels()) as LagWindowFilter;
    expect(restored).toBeInstanceOf(LagWindowFilter);
    expect(restored.history.length).toBe(live.history.length);
    expect(serializeFilter(restored)).toEqual(bytes);
    expectSameState(live.filter, restored.filter);
    // A late reading (inside the window) and later ones, applied to both.
    const late = { ...(readings[31] as (typeof readings)[number]), t: live.latestTime - 0.5 };
    for (const w of [live, restored]) {
      w.ingest(late);
      for (const r of readings.slice(30)) w.ingest(r);
    }
    expectSameState(live.filter, restored.filter);
  });
});
