import { readFileSync } from "node:fs";
import { describe, expect, test } from "@jest/globals";
import { Adwin } from "../src/detectors/adwin.ts";
import { PageHinkley, type PageHinkleyMode } from "../src/detectors/page-hinkley.ts";

interface Fixture {
  detector_defaults: {
    ADWIN: { delta: number; clock: number; max_buckets: number; min_window_length: number; grace_period: number };
    PageHinkley: { min_instances: number; delta: number; threshold: number; alpha: number; mode: PageHinkleyMode };
  };
  streams: Record<string, number[]>;
  expected: Record<string, number[]>;
}

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/river_detectors.json", import.meta.url), "utf8"),
) as Fixture;

function detectionIndices(detector: Adwin | PageHinkley, stream: readonly number[]): number[] {
  const out: number[] = [];
  stream.forEach((value, index) => {
    if (detector.update({ index, value }) !== undefined) out.push(index);
  });
  return out;
}

function build(spec: string): Adwin | PageHinkley {
  const m = /^(ADWIN|PageHinkley)\((?:mode=(up|down|both))?\)$/.exec(spec);
  if (m === null) throw new Error(`unparsed detector spec ${spec}`);
  if (m[1] === "ADWIN") {
    const d = fixture.detector_defaults.ADWIN;
    return new Adwin({
      delta: d.delta,
      clock: d.clock,
      maxBuckets: d.max_buckets,
      minWindowLength: d.min_window_length,
      gracePeriod: d.grace_period,
    });
  }
  const d = fixture.detector_defaults.PageHinkley;
  return new PageHinkley({
    minInstances: d.min_instances,
    delta: d.delta,
    threshold: d.threshold,
    alpha: d.alpha,
    mode: (m[2] as PageHinkleyMode | undefined) ?? d.mode,
  });
}

describe("River conformance (river_detectors.json)", () => {
  const cases = Object.entries(fixture.expected);

  test("the fixture has the six expected cases", () => {
    expect(cases.length).toBe(6);
  });

  test.each(cases)("%s reproduces River's detection indices exactly", (key, expected) => {
    const [spec, streamName] = key.split(" ") as [string, string];
    const stream = fixture.streams[streamName];
    expect(stream).toBeDefined();
    expect(detectionIndices(build(spec), stream!)).toEqual(expected);
  });

  test("the class defaults are River's defaults", () => {
    const a = new Adwin();
    const d = fixture.detector_defaults.ADWIN;
    expect([a.delta, a.clock, a.maxBuckets, a.minWindowLength, a.gracePeriod]).toEqual([
      d.delta,
      d.clock,
      d.max_buckets,
      d.min_window_length,
      d.grace_period,
    ]);
    const p = new PageHinkley();
    const e = fixture.detector_defaults.PageHinkley;
    expect([p.minInstances, p.delta, p.threshold, p.alpha, p.mode]).toEqual([
      e.min_instances,
      e.delta,
      e.threshold,
      e.alpha,
      e.mode,
    ]);
    expect(detectionIndices(new Adwin(), fixture.streams.A!)).toEqual(fixture.expected["ADWIN() A"]);
    expect(detectionIndices(new PageHinkley(), fixture.streams.A!)).toEqual(fixture.expected["PageHinkley() A"]);
  });

  test("ADWIN only checks every `clock` samples, and restarts its clock after a detection", () => {
    // Detections on a stream of repeated jumps all fall on ticks that are multiples of the clock.
    const adwin = new Adwin({ clock: 32 });
    const stream: number[] = [];
    for (let block = 0; block < 8; block++) for (let i = 0; i < 300; i++) stream.push(block % 2 === 0 ? 0 : 5);
    const hits = detectionIndices(adwin, stream);
    expect(hits.length).toBeGreaterThan(2);
    let lastReset = -1;
    for (const h of hits) {
      expect((h - lastReset) % 32).toBe(0);
      lastReset = h;
    }
  });

  test("ADWIN keeps River's window statistics (width, mean) on a short sequence", () => {
    const adwin = new Adwin();
    for (const [i, v] of [1, 2, 3, 4, 5].entries()) adwin.update({ index: i, value: v });
    expect(adwin.windowWidth).toBe(5);
    expect(adwin.estimation).toBe(3);
  });

  test("Page-Hinkley resets completely after a detection (the next sample starts a fresh mean)", () => {
    const ph = new PageHinkley({ mode: "up", threshold: 5, minInstances: 3 });
    let index = 0;
    for (let i = 0; i < 20; i++) ph.update({ index: index++, value: 0 });
    let fired = false;
    for (let i = 0; i < 50 && !fired; i++) fired = ph.update({ index: index++, value: 10 }) !== undefined;
    expect(fired).toBe(true);
    expect(ph.state().samplesSinceReset).toBe(0);
    ph.update({ index: index++, value: 7 });
    expect(ph.state().extra?.mean).toBe(7);
  });
});
