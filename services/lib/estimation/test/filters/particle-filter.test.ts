import { describe, expect, test } from "@jest/globals";
import { ParticleFilter } from "../../src/filters/particle-filter.ts";
import { weightedQuantile } from "../../src/outputs/central-interval.ts";
import { Xoshiro128 } from "../../src/random/xoshiro128.ts";
import { cvModels, feed, makeFilter, scriptedReadings } from "../support/filter-factory.ts";
import { bitEqual, RandomWalkTestModel, SelectorTestSensor } from "../support/test-models.ts";

/** The CV test models with the process noise that matches `scriptedReadings` (q ≈ 0.04/dt, dt ≈ 0.1 s). */
function matchedModels() {
  const m = cvModels();
  return { ...m, transition: m.transition.withParameters({ q: 0.4 }) };
}

function pf(seed: number, resampler: "systematic" | "stratified" | "residual" | "multinomial", roughening = 0) {
  const models = matchedModels();
  return new ParticleFilter({
    ...models,
    x0: new Float64Array([0, 1, 0, 1]),
    P0: new Float64Array([1, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0.5]),
    t0: 0,
    particles: 500,
    seed,
    resampler,
    essThreshold: 0.5,
    roughening,
  });
}

describe("ParticleFilter", () => {
  test("is deterministic: same seed and inputs give a bit-identical cloud; another seed differs", () => {
    const readings = scriptedReadings(40, 3);
    const a = pf(42, "systematic");
    const b = pf(42, "systematic");
    const c = pf(43, "systematic");
    for (const f of [a, b, c]) feed(f, readings);
    expect(bitEqual(a.particles(), b.particles())).toBe(true);
    expect(bitEqual(a.particleWeights(), b.particleWeights())).toBe(true);
    expect(bitEqual(a.particles(), c.particles())).toBe(false);
  });

  test.each(["systematic", "stratified", "residual", "multinomial"] as const)(
    "%s: tracks like the Kalman filter and resamples on low ESS",
    (resampler) => {
      const readings = scriptedReadings(120, 5);
      const f = pf(7, resampler);
      const kf = makeFilter("kf");
      feed(f, readings);
      feed(kf, readings);
      const m = f.mean();
      const k = kf.mean();
      const sd = kf.std();
      for (let i = 0; i < 4; i += 2)
        expect(Math.abs((m[i] as number) - (k[i] as number))).toBeLessThan(4 * (sd[i] as number) + 0.2);
      expect(f.health.resamples).toBeGreaterThan(5);
      expect(f.health.resamples).toBeLessThanOrEqual(f.health.updates);
      const w = f.particleWeights();
      expect(Math.abs(w.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12);
      expect(f.effectiveSampleSize()).toBeGreaterThan(0);
    },
  );

  test("roughening spreads a collapsed cloud: more distinct particles after resampling", () => {
    const readings = scriptedReadings(30, 9);
    const plain = pf(1, "multinomial");
    const rough = pf(1, "multinomial", 0.2);
    feed(plain, readings);
    feed(rough, readings);
    const distinct = (f: ParticleFilter) => new Set(Array.from(f.particles().filter((_, i) => i % 4 === 0))).size;
    expect(distinct(rough)).toBeGreaterThanOrEqual(distinct(plain));
    expect(rough.health.resamples).toBeGreaterThan(0);
  });

  test("update log-likelihood is the log of the weighted mean likelihood (finite) and gating uses the cloud's S", () => {
    const f = pf(3, "residual");
    f.predict(0.1);
    const r = f.update("gps", new Float64Array([0.1, 0.1]));
    expect(r.status.kind).toBe("accepted");
    expect(Number.isFinite(r.logLikelihood as number)).toBe(true);
    expect(r.K).toBeNull();
    const g = f.update("gps", new Float64Array([1e4, 1e4]));
    expect(g.status.kind).toBe("gated");
  });

  test("intervals are weighted particle quantiles and contain the mean", () => {
    const f = pf(5, "stratified");
    feed(f, scriptedReadings(20, 4));
    const [i90] = f.intervals([0.9]);
    const m = f.mean();
    for (let d = 0; d < 4; d++) {
      expect(i90?.lower[d] as number).toBeLessThan(m[d] as number);
      expect(i90?.upper[d] as number).toBeGreaterThan(m[d] as number);
    }
  });

  test("intervals of several levels equal one weightedQuantile per bound (one sort per variable)", () => {
    const f = pf(5, "stratified");
    feed(f, scriptedReadings(20, 4));
    const levels = [0.95, 0.5, 0.9];
    const intervals = f.intervals(levels);
    const cloud = f.particles();
    const weights = f.particleWeights();
    const N = weights.length;
    const column = new Float64Array(N);
    const order = new Int32Array(N);
    levels.forEach((level, l) => {
      for (let d = 0; d < 4; d++) {
        for (let i = 0; i < N; i++) column[i] = cloud[i * 4 + d] as number;
        expect(intervals[l]?.level).toBe(level);
        expect(intervals[l]?.lower[d]).toBe(weightedQuantile(column, weights, (1 - level) / 2, order));
        expect(intervals[l]?.upper[d]).toBe(weightedQuantile(column, weights, (1 + level) / 2, order));
      }
    });
  });
});

describe("ParticleFilter weight update edge cases", () => {
  function tiny() {
    return new ParticleFilter({
      transition: new RandomWalkTestModel(1, 1e-6),
      sensors: { s: { model: new SelectorTestSensor(1, [0], 1e-4) } },
      x0: new Float64Array([0]),
      P0: new Float64Array([1]),
      t0: 0,
      particles: 4,
      seed: 1,
      resampler: "systematic",
      essThreshold: 0,
    });
  }

  test("when every wᵢ·e^(ℓᵢ − max ℓ) underflows, the update is redone in the log domain", () => {
    const f = tiny();
    const s = f.captureState();
    f.restoreState({
      ...s,
      particles: {
        ...(s.particles as NonNullable<typeof s.particles>),
        cloud: new Float64Array([0, 100, 200, 300]),
        weights: new Float64Array([0, 1 / 3, 1 / 3, 1 / 3]),
      },
    });
    const r = f.update("s", new Float64Array([0]));
    expect(r.status.kind).toBe("accepted");
    expect(Number.isFinite(r.logLikelihood as number)).toBe(true);
    const w = f.particleWeights();
    expect(w[1]).toBeCloseTo(1, 12);
    expect(w[0]).toBe(0);
  });

  test("an update no particle can explain is refused with DEGENERATE_WEIGHTS and changes nothing", () => {
    const f = tiny();
    const before = f.captureState();
    const r = f.update("s", new Float64Array([1e200]));
    expect(r.status).toMatchObject({ kind: "rejected", reason: "DEGENERATE_WEIGHTS" });
    expect(bitEqual(f.particleWeights(), before.particles?.weights as Float64Array)).toBe(true);
  });
});

describe("Xoshiro128", () => {
  test("uniforms lie in [0, 1) with the right mean; normals have mean 0 and variance 1", () => {
    const r = new Xoshiro128(123);
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    const N = 100000;
    let inRange = true;
    for (let i = 0; i < N; i++) {
      const u = r.nextFloat();
      inRange &&= u >= 0 && u < 1;
      su += u;
      const z = r.nextNormal();
      sn += z;
      sn2 += z * z;
    }
    expect(inRange).toBe(true);
    expect(Math.abs(su / N - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sn / N)).toBeLessThan(0.01);
    expect(Math.abs(sn2 / N - 1)).toBeLessThan(0.02);
  });

  test("state save/restore continues bit-identically, including a cached normal", () => {
    const r = new Xoshiro128(9);
    r.nextNormal();
    const s = r.getState();
    const a = [r.nextNormal(), r.nextFloat(), r.nextUint32()];
    const q = new Xoshiro128(1);
    q.setState(s);
    expect([q.nextNormal(), q.nextFloat(), q.nextUint32()]).toEqual(a);
  });
});
