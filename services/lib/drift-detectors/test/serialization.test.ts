import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import type { DetectorResult } from "../src/detector.ts";
import { DetectorSuite, type EstimateSample, restoreDetector } from "../src/detector-suite.ts";
import { Adwin } from "../src/detectors/adwin.ts";
import { Cusum } from "../src/detectors/cusum.ts";
import { IntervalCoverageMonitor } from "../src/detectors/interval-coverage-monitor.ts";
import { NisWindowTest } from "../src/detectors/nis-window-test.ts";
import { NoiseLevelDetector } from "../src/detectors/noise-level-detector.ts";
import { PageHinkley } from "../src/detectors/page-hinkley.ts";
import { StuckSensorDetector } from "../src/detectors/stuck-sensor-detector.ts";
import { DetectorStateFormatError } from "../src/errors/detector-state-format-error.ts";
import { SeededRandom } from "../src/eval/seeded-random.ts";

/** A piecewise stream: segments of N(mean, scale²); scale 0 gives exact repeats (a stuck sensor). */
const segmentsArb = fc.array(
  fc.record({
    mean: fc.double({ min: -4, max: 4, noNaN: true }),
    scale: fc.oneof(fc.constant(0), fc.double({ min: 0.05, max: 4, noNaN: true })),
    length: fc.integer({ min: 1, max: 150 }),
  }),
  { minLength: 1, maxLength: 6 },
);

interface Point {
  index: number;
  time: number;
  z: number;
  reading: number;
}

function materialize(seed: number, segments: readonly { mean: number; scale: number; length: number }[]): Point[] {
  const rng = new SeededRandom(seed);
  const out: Point[] = [];
  for (const s of segments) {
    const frozen = s.mean + rng.normal();
    for (let i = 0; i < s.length; i++) {
      const z = s.scale === 0 ? frozen : s.mean + s.scale * rng.normal();
      out.push({ index: out.length, time: 1_700_000_000_000 + 1000 * out.length, z, reading: 20 + z });
    }
  }
  return out;
}

interface Restorable<S> {
  update(s: S): DetectorResult | undefined;
  toBytes(): Uint8Array;
}

/** Runs a detector straight through and, separately, with a serialize/restore at `cut`; both must agree. */
function checkRoundTrip<S>(
  make: () => Restorable<S>,
  restore: (b: Uint8Array) => Restorable<S>,
  sample: (p: Point) => S,
  points: readonly Point[],
  cut: number,
): void {
  const straight = make();
  const expected = points.map((p) => straight.update(sample(p)));
  let d = make();
  const got: (DetectorResult | undefined)[] = [];
  points.forEach((p, i) => {
    if (i === cut) {
      const bytes = d.toBytes();
      d = restore(bytes);
      expect(d.toBytes()).toEqual(bytes);
    }
    got.push(d.update(sample(p)));
  });
  expect(got).toEqual(expected);
  expect(Buffer.from(d.toBytes()).equals(Buffer.from(straight.toBytes()))).toBe(true);
}

const scalar = (p: Point) => ({ index: p.index, time: p.time, value: p.z });
const property = (run: (points: Point[], cut: number) => void, numRuns = 40) =>
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 ** 31 }),
      segmentsArb,
      fc.double({ min: 0, max: 1, noNaN: true }),
      (seed, segs, f) => {
        const points = materialize(seed, segs);
        run(points, Math.floor(f * points.length));
      },
    ),
    { numRuns },
  );

describe("serialization round trip continues bit-identically (fast-check)", () => {
  test("Page-Hinkley (River defaults and calibrated)", () => {
    property((pts, cut) => {
      checkRoundTrip(() => new PageHinkley({ threshold: 8, minInstances: 5 }), PageHinkley.fromBytes, scalar, pts, cut);
      checkRoundTrip(
        () => new PageHinkley({ delta: 0.25, alpha: 0.999, arl0: 200, mode: "down" }),
        PageHinkley.fromBytes,
        scalar,
        pts,
        cut,
      );
    });
  });

  test("ADWIN", () => {
    property((pts, cut) => checkRoundTrip(() => new Adwin({ clock: 4 }), Adwin.fromBytes, scalar, pts, cut));
  });

  test("CUSUM", () => {
    property((pts, cut) => checkRoundTrip(() => new Cusum({ arl0: 200 }), Cusum.fromBytes, scalar, pts, cut));
  });

  test("NIS window", () => {
    property((pts, cut) =>
      checkRoundTrip(
        () => new NisWindowTest({ window: 20, probability: 0.99 }),
        NisWindowTest.fromBytes,
        (p) => ({ index: p.index, nis: p.z * p.z }),
        pts,
        cut,
      ),
    );
  });

  test("interval coverage", () => {
    property((pts, cut) =>
      checkRoundTrip(
        () => new IntervalCoverageMonitor({ window: 30, alpha: 0.01 }),
        IntervalCoverageMonitor.fromBytes,
        (p) => ({ index: p.index, value: p.z, lower: -1.645, upper: 1.645 }),
        pts,
        cut,
      ),
    );
  });

  test("stuck sensor", () => {
    property((pts, cut) =>
      checkRoundTrip(
        () => new StuckSensorDetector({ window: 10, repeats: 8, falseAlarmProbability: 1e-3 }),
        StuckSensorDetector.fromBytes,
        (p) => ({ index: p.index, value: p.z, reading: p.reading }),
        pts,
        cut,
      ),
    );
  });

  test("noise level", () => {
    property((pts, cut) =>
      checkRoundTrip(
        () => new NoiseLevelDetector({ hUp: 4, hDown: 4 }),
        NoiseLevelDetector.fromBytes,
        scalar,
        pts,
        cut,
      ),
    );
  });

  test("the whole suite, one and two measurement components", () => {
    const estimate =
      (dimZ: number) =>
      (p: Point): EstimateSample => {
        const y = dimZ === 1 ? [p.z * 1.1] : [p.z * 1.1, -0.5 * p.z];
        const S = dimZ === 1 ? [1.21] : [1.21, 0.1, 0.1, 0.5];
        const reading = dimZ === 1 ? [p.reading] : [p.reading, 3];
        const lower = reading.map((r, j) => r - y[j]! - 1.645 * Math.sqrt(S[j * dimZ + j]!));
        const upper = reading.map((r, j) => r - y[j]! + 1.645 * Math.sqrt(S[j * dimZ + j]!));
        return { index: p.index, time: p.time, y, S, reading, lower, upper };
      };
    const sensitive = {
      cusum: { arl0: 200 },
      pageHinkley: { arl0: 200 },
      adwin: { delta: 0.01, clock: 8 },
      nisWindow: { window: 10, probability: 0.99 },
      coverage: { window: 20, alpha: 0.01 },
      stuckSensor: { repeats: 5 },
      noiseLevel: { hUp: 4, hDown: 4 },
    };
    for (const dimZ of [1, 2]) {
      property((pts, cut) => {
        const wrap = (s: DetectorSuite) => ({
          update: (e: EstimateSample) => {
            const r = s.update(e);
            return r.length === 0 ? undefined : ({ ...r[0]!, all: r } as DetectorResult);
          },
          toBytes: () => s.toBytes(),
        });
        checkRoundTrip(
          () => wrap(DetectorSuite.create(sensitive, dimZ)),
          (b) => wrap(DetectorSuite.fromBytes(b)),
          estimate(dimZ),
          pts,
          cut,
        );
      }, 25);
    }
  });
});

describe("state blobs", () => {
  test("restoreDetector dispatches on the kind tag", () => {
    const c = new Cusum({ h: 4 });
    c.update({ index: 0, value: 1.5 });
    const back = restoreDetector(c.toBytes());
    expect(back).toBeInstanceOf(Cusum);
    expect(back.state()).toEqual(c.state());
    expect(restoreDetector(new Adwin().toBytes())).toBeInstanceOf(Adwin);
  });

  test("−0, NaN times and tiny values survive exactly", () => {
    const ph = new PageHinkley({ delta: 0, minInstances: 1, threshold: 1e9 });
    ph.update({ index: 0, value: -0 });
    ph.update({ index: 1, value: 5e-324 });
    const bytes = ph.toBytes();
    expect(PageHinkley.fromBytes(bytes).toBytes()).toEqual(bytes);
  });

  test("truncated, padded, wrong-kind or wrong-version blobs are rejected with DETECTOR_STATE_FORMAT", () => {
    const bytes = new Cusum().toBytes();
    expect(() => Cusum.fromBytes(bytes.slice(0, bytes.length - 1))).toThrow(DetectorStateFormatError);
    expect(() => Cusum.fromBytes(new Uint8Array([...bytes, 0]))).toThrow(DetectorStateFormatError);
    expect(() => Adwin.fromBytes(bytes)).toThrow(DetectorStateFormatError);
    const future = bytes.slice();
    future[0] = 99;
    expect(() => Cusum.fromBytes(future)).toThrow(DetectorStateFormatError);
    try {
      Adwin.fromBytes(bytes);
    } catch (e) {
      expect((e as DetectorStateFormatError).code).toBe("DETECTOR_STATE_FORMAT");
    }
  });

  test("state stays compact", () => {
    expect(new Cusum().toBytes().length).toBeLessThan(150);
    const suite = DetectorSuite.create({}, 1);
    const rng = new SeededRandom(3);
    for (let i = 0; i < 5000; i++) {
      const z = rng.normal();
      suite.update({ index: i, y: [z], S: [1], reading: [z], lower: [-1.645], upper: [1.645] });
    }
    // ADWIN's histogram is O(M log W); the windows dominate: 50 + 20 floats and 100 bytes.
    expect(suite.toBytes().length).toBeLessThan(3000);
  });
});
