import { describe, expect, test } from "@jest/globals";
import type { DetectorResult } from "../src/detector.ts";
import { Adwin } from "../src/detectors/adwin.ts";
import { Cusum } from "../src/detectors/cusum.ts";
import { IntervalCoverageMonitor } from "../src/detectors/interval-coverage-monitor.ts";
import { NisWindowTest } from "../src/detectors/nis-window-test.ts";
import { NoiseLevelDetector } from "../src/detectors/noise-level-detector.ts";
import { PageHinkley } from "../src/detectors/page-hinkley.ts";
import { StuckSensorDetector } from "../src/detectors/stuck-sensor-detector.ts";
import { InvalidDetectorConfigError } from "../src/errors/invalid-detector-config-error.ts";
import { NonFiniteSampleError } from "../src/errors/non-finite-sample-error.ts";
import { SeededRandom } from "../src/eval/seeded-random.ts";

/** N(mean, scale²) samples: `before` clean ones then the faulty ones. */
function stream(seed: number, n: number, change: number, mean: number, scale: number): number[] {
  const rng = new SeededRandom(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(i < change ? rng.normal() : mean + scale * rng.normal());
  return out;
}

function feedScalar(d: { update(s: { index: number; value: number }): DetectorResult | undefined }, xs: number[]) {
  const hits: DetectorResult[] = [];
  xs.forEach((value, index) => {
    const r = d.update({ index, value });
    if (r !== undefined) hits.push(r);
  });
  return hits;
}

describe("CUSUM", () => {
  test("stays quiet on a clean stream", () => {
    expect(feedScalar(new Cusum({ arl0: 1e5 }), stream(1, 3000, 3000, 0, 1))).toEqual([]);
  });

  test("detects a 1σ mean shift quickly, with onset, direction, shift estimate and severity", () => {
    const hits = feedScalar(new Cusum({ arl0: 1e5 }), stream(2, 1200, 1000, 1, 1));
    expect(hits.length).toBeGreaterThanOrEqual(1);
    const r = hits[0]!;
    expect(r.at.index).toBeGreaterThanOrEqual(1000);
    expect(r.at.index).toBeLessThan(1060);
    expect(Math.abs(r.onset.index - 1000)).toBeLessThan(25);
    expect(r.direction).toBe("up");
    expect(r.statistic).toBeGreaterThanOrEqual(r.threshold);
    expect(r.details?.estimatedShift).toBeGreaterThan(0.5);
    expect(r.details?.estimatedShift).toBeLessThan(2);
    expect(r.severity).toBe("info");
    const big = feedScalar(new Cusum({ arl0: 1e5 }), stream(3, 1100, 1000, -4, 1))[0]!;
    expect(big.direction).toBe("down");
    expect(big.severity).toBe("critical");
  });

  test("carries the sample time into detection and onset", () => {
    const c = new Cusum({ h: 3 });
    let r: DetectorResult | undefined;
    for (let i = 0; i < 10 && r === undefined; i++) r = c.update({ index: i, time: 1000 + i, value: 2 });
    expect(r?.onset).toEqual({ index: 0, time: 1000 });
    expect(r?.at.time).toBe(1000 + r!.at.index);
  });

  test("rejects bad parameters and non-finite samples", () => {
    expect(() => new Cusum({ k: 0 })).toThrow(InvalidDetectorConfigError);
    expect(() => new Cusum({ h: -1 })).toThrow(InvalidDetectorConfigError);
    expect(() => new Cusum().update({ index: 0, value: Number.NaN })).toThrow(NonFiniteSampleError);
  });
});

describe("Page-Hinkley (calibrated for normalized innovations)", () => {
  const make = () => new PageHinkley({ delta: 0.25, alpha: 1, arl0: 1e5 });

  test("stays quiet on a clean stream", () => {
    expect(feedScalar(make(), stream(4, 3000, 3000, 0, 1))).toEqual([]);
  });

  test("detects a −1σ shift with direction down", () => {
    const hits = feedScalar(make(), stream(5, 1300, 1000, -1, 1));
    expect(hits.length).toBeGreaterThanOrEqual(1);
    expect(hits[0]!.at.index).toBeGreaterThanOrEqual(1000);
    expect(hits[0]!.at.index).toBeLessThan(1100);
    expect(hits[0]!.direction).toBe("down");
    expect(Math.abs(hits[0]!.onset.index - 1000)).toBeLessThan(40);
  });

  test("threshold from ARL is used instead of the raw threshold", () => {
    expect(new PageHinkley({ delta: 0.25, arl0: 1e4 }).threshold).toBeLessThan(
      new PageHinkley({ delta: 0.25, arl0: 1e5 }).threshold,
    );
    expect(() => new PageHinkley({ mode: "sideways" as "up" })).toThrow(InvalidDetectorConfigError);
  });
});

describe("ADWIN", () => {
  test("stays quiet on a clean stream (δ = 1e−4)", () => {
    expect(feedScalar(new Adwin({ delta: 1e-4 }), stream(6, 4000, 4000, 0, 1))).toEqual([]);
  });

  test("detects a 1σ shift, shrinking its window to the new regime", () => {
    const hits = feedScalar(new Adwin({ delta: 1e-4 }), stream(7, 1500, 1000, 1, 1));
    expect(hits.length).toBeGreaterThanOrEqual(1);
    const r = hits[0]!;
    expect(r.at.index).toBeGreaterThanOrEqual(1000);
    expect(r.at.index).toBeLessThan(1200);
    expect(r.direction).toBe("up");
    expect(r.statistic).toBeGreaterThan(1);
    expect(r.onset.index).toBeGreaterThan(900);
  });
});

describe("sliding-window NIS test", () => {
  const chi2 = (rng: SeededRandom, dof: number, scale: number) => {
    let s = 0;
    for (let j = 0; j < dof; j++) s += rng.normal() ** 2;
    return s * scale;
  };
  const run = (d: NisWindowTest, scaleAfter: number, seed: number) => {
    const rng = new SeededRandom(seed);
    const hits: DetectorResult[] = [];
    for (let i = 0; i < 2000; i++) {
      const r = d.update({ index: i, nis: chi2(rng, 2, i < 1000 ? 1 : scaleAfter) });
      if (r !== undefined) hits.push(r);
    }
    return hits;
  };

  test("bounds are the two-sided χ²(W·dimZ) quantiles", () => {
    const d = new NisWindowTest({ window: 50, dimZ: 2, probability: 0.95 });
    expect(d.lowerBound).toBeCloseTo(74.2219, 3);
    expect(d.upperBound).toBeCloseTo(129.5612, 3);
  });

  test("quiet on consistent NIS, detects inflated (up) and deflated (down) NIS", () => {
    expect(run(new NisWindowTest({ window: 50, dimZ: 2 }), 1, 8)).toEqual([]);
    const up = run(new NisWindowTest({ window: 50, dimZ: 2 }), 3, 9);
    expect(up[0]?.direction).toBe("up");
    expect(up[0]!.at.index).toBeGreaterThanOrEqual(1000);
    expect(up[0]!.at.index).toBeLessThan(1050);
    expect(up[0]!.onset.index).toBe(up[0]!.at.index - 49);
    const down = run(new NisWindowTest({ window: 50, dimZ: 2 }), 0.2, 10);
    expect(down[0]?.direction).toBe("down");
    expect(down[0]!.at.index).toBeGreaterThanOrEqual(1000);
  });
});

describe("interval coverage monitor", () => {
  const run = (d: IntervalCoverageMonitor, coverageAfter: number, seed: number) => {
    const rng = new SeededRandom(seed);
    const hits: DetectorResult[] = [];
    for (let i = 0; i < 3000; i++) {
      const p = i < 1500 ? 0.9 : coverageAfter;
      const inside = rng.uniform() < p;
      const r = d.update({ index: i, value: inside ? 0 : 5, lower: -1, upper: 1 });
      if (r !== undefined) hits.push(r);
    }
    return hits;
  };

  test("quiet at nominal coverage, detects under-coverage with the binomial p-value", () => {
    expect(run(new IntervalCoverageMonitor(), 0.9, 11)).toEqual([]);
    const hits = run(new IntervalCoverageMonitor(), 0.6, 12);
    const r = hits[0]!;
    expect(r.direction).toBe("down");
    expect(r.at.index).toBeGreaterThanOrEqual(1500);
    expect(r.at.index).toBeLessThan(1600);
    expect(r.details?.pValue).toBeLessThan(1e-5);
    expect(r.statistic).toBeCloseTo(-Math.log10(r.details!.pValue!), 12);
  });

  test("readings on the interval bounds count as inside", () => {
    // 10 of 10 inside at nominal 0.5: p = 2/1024, above α = 0.001, so no detection and no reset.
    const d = new IntervalCoverageMonitor({ window: 10, nominal: 0.5, alpha: 0.001 });
    for (let i = 0; i < 10; i++) {
      expect(d.update({ index: i, value: i % 2 === 0 ? -1 : 1, lower: -1, upper: 1 })).toBeUndefined();
    }
    expect(d.state().extra?.coverage).toBe(1);
    expect(d.state().statistic).toBeCloseTo(-Math.log10(2 / 1024), 10);
  });
});

describe("stuck sensor", () => {
  test("quiet on live readings", () => {
    const rng = new SeededRandom(13);
    const d = new StuckSensorDetector();
    for (let i = 0; i < 5000; i++) {
      const z = rng.normal();
      expect(d.update({ index: i, value: z, reading: 20 + z })).toBeUndefined();
    }
  });

  test("exact repeats: critical detection at the N-th identical reading", () => {
    const d = new StuckSensorDetector({ repeats: 10 });
    const rng = new SeededRandom(14);
    let hit: DetectorResult | undefined;
    let i = 0;
    for (; i < 100; i++) d.update({ index: i, value: rng.normal(), reading: rng.normal() });
    for (let k = 0; k < 10 && hit === undefined; k++, i++)
      hit = d.update({ index: i, value: rng.normal(), reading: 3.25 });
    expect(hit?.severity).toBe("critical");
    expect(hit?.statistic).toBe(10);
    expect(hit?.onset.index).toBe(100);
    expect(hit?.at.index).toBe(109);
  });

  test("variance collapse of the innovations without readings: warning", () => {
    const d = new StuckSensorDetector({ window: 20 });
    const xs = stream(15, 600, 500, 0, 0.05);
    const hits = xs.map((value, index) => d.update({ index, value })).filter((r) => r !== undefined);
    expect(hits.length).toBeGreaterThanOrEqual(1);
    expect(hits[0]!.severity).toBe("warning");
    expect(hits[0]!.at.index).toBeGreaterThanOrEqual(500);
    expect(hits[0]!.at.index).toBeLessThan(525);
    expect(hits[0]!.statistic).toBeLessThan(hits[0]!.threshold);
  });

  test("rejects repeats = 1", () => {
    expect(() => new StuckSensorDetector({ repeats: 1 })).toThrow(InvalidDetectorConfigError);
  });
});

describe("noise level", () => {
  test("quiet on unit-variance innovations", () => {
    expect(feedScalar(new NoiseLevelDetector({ arl0: 1e5 }), stream(16, 4000, 4000, 0, 1))).toEqual([]);
  });

  test("detects a ×3 noise increase within a few samples, critical", () => {
    const r = feedScalar(new NoiseLevelDetector({ arl0: 1e5 }), stream(17, 1100, 1000, 0, 3))[0]!;
    expect(r.direction).toBe("up");
    expect(r.at.index).toBeGreaterThanOrEqual(1000);
    expect(r.at.index).toBeLessThan(1020);
    expect(r.severity).toBe("critical");
    expect(r.details?.varianceRatio).toBeGreaterThan(3);
  });

  test("detects a noise decrease on the lower chart, not with sides = up", () => {
    const xs = stream(18, 1300, 1000, 0, 0.3);
    expect(feedScalar(new NoiseLevelDetector({ arl0: 1e5 }), xs)[0]?.direction).toBe("down");
    expect(feedScalar(new NoiseLevelDetector({ arl0: 1e5, sides: "up" }), xs)).toEqual([]);
  });
});

describe("state introspection", () => {
  test("samples seen, since reset and detections are counted", () => {
    const c = new Cusum({ h: 2 });
    for (let i = 0; i < 5; i++) c.update({ index: i, value: 0 });
    c.update({ index: 5, value: 3 });
    const s = c.state();
    expect(s.samplesSeen).toBe(6);
    expect(s.detections).toBe(1);
    expect(s.samplesSinceReset).toBe(0);
    c.update({ index: 6, value: 1 });
    expect(c.state().statistic).toBeCloseTo(0.5, 12);
    expect(c.state().threshold).toBe(2);
    c.reset();
    expect(c.state().statistic).toBe(0);
    expect(c.state().samplesSeen).toBe(7);
  });
});
