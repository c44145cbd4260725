import { describe, expect, test } from "@jest/globals";
import { forecast } from "../../src/outputs/forecast.ts";
import { serializeFilter } from "../../src/serialization/filter-serialization.ts";
import { feed, makeFilter, scriptedReadings, type TestFilterKind } from "../support/filter-factory.ts";

describe("outputs", () => {
  test("std and central intervals follow mean ± Φ⁻¹((1+level)/2)·σ", () => {
    const f = makeFilter("kf");
    feed(f, scriptedReadings(10, 1));
    const m = f.mean();
    const s = f.std();
    const P = f.covariance();
    const [i95, i50] = f.intervals([0.95, 0.5]);
    for (let d = 0; d < 4; d++) {
      expect(s[d]).toBe(Math.sqrt(P[d * 4 + d] as number));
      expect(i95?.upper[d] as number).toBeCloseTo((m[d] as number) + 1.959963984540054 * (s[d] as number), 12);
      expect(i50?.lower[d] as number).toBeCloseTo((m[d] as number) - 0.6744897501960817 * (s[d] as number), 12);
    }
  });

  test.each<TestFilterKind>(["kf", "ekf", "ukf-merwe", "pf"])(
    "%s: forecast widens over the horizon and does not touch the live filter",
    (kind) => {
      const f = makeFilter(kind);
      feed(f, scriptedReadings(25, 2));
      const before = serializeFilter(f);
      const steps = forecast(f, 2, 0.5, { levels: [0.9] });
      expect(f.forecast(2, 0.5, { levels: [0.9] })).toEqual(steps);
      expect(serializeFilter(f)).toEqual(before);
      expect(steps.map((s) => s.t - f.t)).toEqual([0.5, 1, 1.5, 2].map((d) => f.t + d - f.t));
      const widths = steps.map((s) => (s.intervals[0]?.upper[0] as number) - (s.intervals[0]?.lower[0] as number));
      for (let i = 1; i < widths.length; i++) expect(widths[i] as number).toBeGreaterThan(widths[i - 1] as number);
      const first = steps[0];
      expect(first?.mean.length).toBe(4);
      expect(first?.std.every((v) => v > 0)).toBe(true);
    },
  );
});
