import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import { LagWindowFilter } from "../../src/time/lag-window-filter.ts";
import { makeFilter, scriptedReadings, type TestFilterKind } from "../support/filter-factory.ts";
import { bitEqual } from "../support/test-models.ts";

const kinds: TestFilterKind[] = ["kf", "ekf", "ukf-merwe", "pf"];

describe("LagWindowFilter", () => {
  test("property: any arrival order within the window gives the in-order result, bit for bit", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 5, max: 30 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 30, maxLength: 30 }),
        (kind, seed, count, delays) => {
          const readings = scriptedReadings(count, seed);
          // Each reading is delayed by up to 4 positions: arrival order = sort by (index + delay).
          const arrival = readings
            .map((r, i) => ({ r, key: i + (delays[i] as number), i }))
            .sort((a, b) => a.key - b.key || a.i - b.i)
            .map((a) => a.r);
          const lag = 5; // s: far more than 4 readings' worth of time, so nothing is late
          const inOrder = new LagWindowFilter(makeFilter(kind, undefined, seed), lag);
          for (const r of readings) inOrder.ingest(r);
          const shuffled = new LagWindowFilter(makeFilter(kind, undefined, seed), lag);
          for (const r of arrival) expect(shuffled.ingest(r).status.kind).not.toBe("rejected");
          const a = inOrder.filter.captureState();
          const b = shuffled.filter.captureState();
          expect(bitEqual(a.x, b.x)).toBe(true);
          expect(bitEqual(a.P, b.P)).toBe(true);
          expect(a.logLikelihood).toBe(b.logLikelihood);
          expect(b.health).toEqual(a.health);
          if (a.particles !== undefined)
            expect(bitEqual(a.particles.cloud, b.particles?.cloud as Float64Array)).toBe(true);
        },
      ),
      { numRuns: 35 },
    );
  });

  test("a reading older than the window is rejected with LATE_READING and changes nothing", () => {
    const readings = scriptedReadings(30, 4);
    const w = new LagWindowFilter(makeFilter("kf"), 0.5);
    for (const r of readings) w.ingest(r);
    const before = w.filter.captureState();
    const res = w.ingest({ t: w.latestTime - 0.75, sensor: "gps", z: new Float64Array([0, 0]) });
    expect(res.status).toMatchObject({ kind: "rejected", reason: "LATE_READING" });
    const after = w.filter.captureState();
    expect(bitEqual(before.x, after.x) && bitEqual(before.P, after.P)).toBe(true);
    // the history keeps only the window
    expect(w.history.every((e, i) => i === 0 || e.t >= w.latestTime - 0.5)).toBe(true);
  });

  test("equal timestamps are processed in arrival order, and a late duplicate time goes after the earlier one", () => {
    const mk = () => new LagWindowFilter(makeFilter("kf"), 2);
    const a = { t: 1, sensor: "gps" as const, z: new Float64Array([1, 1]) };
    const b = { t: 1, sensor: "gps" as const, z: new Float64Array([2, 0]) };
    const c = { t: 1.5, sensor: "speed" as const, z: new Float64Array([1]) };
    const ref = makeFilter("kf");
    for (const r of [a, b, c]) {
      ref.predict(r.t);
      ref.update(r.sensor, r.z);
    }
    const w = mk();
    w.ingest(a);
    w.ingest(c);
    const late = w.ingest(b); // arrives after c, same time as a: goes after a, before c
    expect(late.replayed).toBe(1);
    expect(late.update?.status.kind).toBe("accepted");
    expect(bitEqual(w.mean(), ref.mean())).toBe(true);
    expect(bitEqual(w.covariance(), ref.covariance())).toBe(true);
  });

  test("predict-only steps are part of the history", () => {
    const w = new LagWindowFilter(makeFilter("ukf-merwe"), 3);
    w.ingest({ t: 1, sensor: "gps", z: new Float64Array([1, 1]) });
    w.advance(2);
    w.ingest({ t: 3, sensor: "gps", z: new Float64Array([3, 3]) });
    const ref = makeFilter("ukf-merwe");
    ref.predict(1);
    ref.update("gps", new Float64Array([1, 1]));
    ref.predict(1.5);
    ref.update("gps", new Float64Array([1.4, 1.6]));
    ref.predict(2);
    ref.predict(3);
    ref.update("gps", new Float64Array([3, 3]));
    w.ingest({ t: 1.5, sensor: "gps", z: new Float64Array([1.4, 1.6]) });
    expect(bitEqual(w.mean(), ref.mean())).toBe(true);
  });
});
