import { toBinary } from "@bufbuild/protobuf";
import { describe, expect, test } from "@jest/globals";
import { TwinCheckpointSchema } from "@twinstate/proto";
import { ForecastRequestError, forecastFromEstimate } from "../src/engine/forecast-from-estimate.ts";
import { TwinEngine } from "../src/engine/twin-engine.ts";
import { exampleCatalog, reading } from "./reading-fixtures.ts";

function ovenEngine() {
  const catalog = exampleCatalog();
  const engine = new TwinEngine(catalog);
  let last = engine.process(reading("acme/oven-1", "outlet_temp", 1_800_000_000, 300, "K"));
  for (let i = 1; i < 10; i++)
    last = engine.process(reading("acme/oven-1", "outlet_temp", 1_800_000_000 + i, 300, "K"));
  return { engine, last, twinClass: catalog.getClass("thermal-rc", 1)! };
}

const base = { levels: [0.95], includeCovariance: true, parameters: {}, inputProfile: [], maxSteps: 1000 };

describe("forecastFromEstimate", () => {
  test("steps at origin + k·step clipped to the horizon, with growing uncertainty, from a copy of the state", () => {
    const { engine, last, twinClass } = ovenEngine();
    const stateOf = () =>
      Buffer.from(toBinary(TwinCheckpointSchema, { ...engine.checkpoint("acme/oven-1"), checkpointedAt: undefined }));
    const before = stateOf();
    const steps = forecastFromEstimate(twinClass, last, {
      ...base,
      horizon: 250,
      step: 100,
      input: Float64Array.of(0),
    });
    expect(steps.map((s) => Number(s.time?.seconds))).toEqual([1_800_000_109, 1_800_000_209, 1_800_000_259]);
    expect(steps.map((s) => s.stdDev[0] as number)).toEqual(
      [...steps.map((s) => s.stdDev[0] as number)].sort((a, b) => a - b),
    );
    expect(steps[0]?.covariance).toHaveLength(1);
    // Cooling toward ambient (293.15 K) without heater power.
    expect(steps[2]?.mean[0] as number).toBeLessThan(last.mean[0] as number);
    // The live twin is untouched (checkpoint bytes equal, the wall-clock checkpointed_at field aside).
    expect(stateOf()).toEqual(before);
  });

  test("what-if: an input profile and parameter overrides change the trajectory; bad requests are refused", () => {
    const { last, twinClass } = ovenEngine();
    const baseline = forecastFromEstimate(twinClass, last, {
      ...base,
      horizon: 3600,
      step: 600,
      input: Float64Array.of(0),
    });
    const heated = forecastFromEstimate(twinClass, last, {
      ...base,
      horizon: 3600,
      step: 600,
      input: Float64Array.of(0),
      parameters: { C: 10000 },
      inputProfile: [{ offset: 600, values: { P: 1000 } }],
    });
    expect(heated[0]?.mean).toEqual(
      forecastFromEstimate(twinClass, last, {
        ...base,
        horizon: 600,
        step: 600,
        input: Float64Array.of(0),
        parameters: { C: 10000 },
      })[0]?.mean,
    );
    expect((heated.at(-1)?.mean[0] as number) - (baseline.at(-1)?.mean[0] as number)).toBeGreaterThan(10);
    expect(() =>
      forecastFromEstimate(twinClass, last, {
        ...base,
        horizon: 10,
        step: 1,
        input: Float64Array.of(0),
        inputProfile: [{ offset: 1, values: { Q: 1 } }],
      }),
    ).toThrow(ForecastRequestError);
    expect(() =>
      forecastFromEstimate(twinClass, last, { ...base, horizon: 1e6, step: 1, input: Float64Array.of(0) }),
    ).toThrow(/exceed the limit/);
    expect(() =>
      forecastFromEstimate(twinClass, last, {
        ...base,
        horizon: 10,
        step: 1,
        input: Float64Array.of(0),
        parameters: { nope: 1 },
      }),
    ).toThrow(ForecastRequestError);
  });

  test("a particle class forecasts intervals as weighted particle quantiles of its propagated cloud", () => {
    const catalog = exampleCatalog();
    const engine = new TwinEngine(catalog);
    let last = engine.process(reading("lab/pendulum-1", "angle", 1_800_000_000, 0.5, "rad"));
    for (let i = 1; i < 10; i++)
      last = engine.process(
        reading("lab/pendulum-1", "angle", 1_800_000_000 + 0.1 * i, 0.5 * Math.cos(0.286 * i), "rad"),
      );
    const twinClass = catalog.getClass("pendulum-expr", 1)!;
    const steps = forecastFromEstimate(twinClass, last, {
      ...base,
      levels: [0.9],
      horizon: 2,
      step: 0.5,
      input: new Float64Array(),
    });
    expect(steps).toHaveLength(4);
    const z90 = 1.6448536269514722;
    let nonGaussian = 0;
    for (const s of steps) {
      const band = s.intervals[0]!;
      for (let d = 0; d < 2; d++) {
        expect(band.lower[d]!).toBeLessThanOrEqual(band.upper[d]!);
        if (Math.abs(band.upper[d]! - (s.mean[d]! + z90 * s.stdDev[d]!)) > 1e-12) nonGaussian++;
      }
    }
    expect(nonGaussian).toBe(8);
    // Deterministic: the same request gives the same bounds (the cloud is drawn from the class's seed).
    expect(
      forecastFromEstimate(twinClass, last, {
        ...base,
        levels: [0.9],
        horizon: 2,
        step: 0.5,
        input: new Float64Array(),
      }),
    ).toEqual(steps);
  });
});
