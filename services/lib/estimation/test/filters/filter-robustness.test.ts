import { describe, expect, test } from "@jest/globals";
import { FilterQuarantinedError } from "../../src/errors/filter-quarantined-error.ts";
import { InvalidFilterConfigError } from "../../src/errors/invalid-filter-config-error.ts";
import { ExtendedKalmanFilter } from "../../src/filters/extended-kalman-filter.ts";
import type { FilterBase } from "../../src/filters/filter-base.ts";
import { KalmanFilter } from "../../src/filters/kalman-filter.ts";
import { ParticleFilter } from "../../src/filters/particle-filter.ts";
import { MerweScaledSigmaPoints } from "../../src/filters/sigma-points.ts";
import { UnscentedKalmanFilter } from "../../src/filters/unscented-kalman-filter.ts";
import { chiSquareQuantile } from "../../src/statistics/chi-square-quantile.ts";
import { RangeBearingTestSensor } from "../support/conformance-models.ts";
import {
  bitEqual,
  ConstantVelocityTestModel,
  RandomWalkTestModel,
  SelectorTestSensor,
} from "../support/test-models.ts";

const x0 = new Float64Array([0, 1, 0, -1]);
const P0 = new Float64Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);

function cvOptions(maxDt?: number) {
  return {
    transition: new ConstantVelocityTestModel(2, 0.05),
    sensors: {
      gps: { model: new SelectorTestSensor(4, [0, 2], 0.25), gate: { probability: 0.99 } },
      speed: { model: new SelectorTestSensor(4, [1], 0.01) },
    },
    x0,
    P0,
    t0: 10,
    ...(maxDt === undefined ? {} : { maxDt }),
  };
}

const makers: [string, (maxDt?: number) => FilterBase][] = [
  ["kf", (m) => new KalmanFilter(cvOptions(m))],
  ["ekf", (m) => new ExtendedKalmanFilter(cvOptions(m))],
  [
    "ukf",
    (m) => new UnscentedKalmanFilter({ ...cvOptions(m), sigmaPoints: new MerweScaledSigmaPoints(4, 0.5, 2, -1) }),
  ],
  [
    "pf",
    (m) => new ParticleFilter({ ...cvOptions(m), particles: 300, seed: 7, resampler: "systematic", essThreshold: 0.5 }),
  ],
];

describe.each(makers)("%s: input guards leave the state untouched", (_kind, make) => {
  test("non-finite t, u or z is rejected with NON_FINITE_INPUT and changes nothing", () => {
    const f = make();
    f.predict(10.5);
    f.update("gps", new Float64Array([0.4, -0.6]));
    const before = f.captureState();
    expect(f.predict(Number.NaN).status).toMatchObject({ kind: "rejected", reason: "NON_FINITE_INPUT" });
    expect(f.predict(Number.POSITIVE_INFINITY).status).toMatchObject({ kind: "rejected", reason: "NON_FINITE_INPUT" });
    expect(f.update("gps", new Float64Array([Number.NaN, 0])).status).toMatchObject({
      kind: "rejected",
      reason: "NON_FINITE_INPUT",
    });
    expect(f.update("gps", new Float64Array([0, Number.NEGATIVE_INFINITY])).status).toMatchObject({
      reason: "NON_FINITE_INPUT",
    });
    const after = f.captureState();
    // Only the rejected counter moved (4 rejections); the state is bit-identical.
    expect(f.health.rejected).toBe(4);
    expect(bitEqual(after.x, before.x) && bitEqual(after.P, before.P)).toBe(true);
    expect(
      after.particles === undefined || bitEqual(after.particles.cloud, before.particles?.cloud as Float64Array),
    ).toBe(true);
    expect(after.logLikelihood).toBe(before.logLikelihood);
    expect(f.t).toBe(10.5);
  });

  test("time going backwards, absurd steps, unknown sensors and wrong dimensions are rejected with reasons", () => {
    const f = make(5);
    expect(f.predict(9).status).toMatchObject({ kind: "rejected", reason: "TIME_WENT_BACKWARDS" });
    expect(f.predict(16).status).toMatchObject({ kind: "rejected", reason: "TIME_STEP_TOO_LARGE" });
    expect(f.update("lidar", new Float64Array([1, 2])).status).toMatchObject({ reason: "UNKNOWN_SENSOR" });
    expect(f.update("gps", new Float64Array([1, 2, 3])).status).toMatchObject({ reason: "DIMENSION_MISMATCH" });
    expect(f.predict(14.9).status.kind).toBe("accepted");
    expect(f.t).toBe(14.9);
    expect(f.health.rejected).toBe(4);
  });

  test("an outlier beyond the NIS gate is gated with the χ² threshold and leaves the state unchanged", () => {
    const f = make();
    f.predict(11);
    const mean = f.mean();
    const cov = f.covariance();
    const r = f.update("gps", new Float64Array([500, -500]));
    expect(r.status).toEqual({ kind: "gated", threshold: chiSquareQuantile(0.99, 2) });
    expect(r.nis as number).toBeGreaterThan(chiSquareQuantile(0.99, 2));
    expect(f.mean()).toEqual(mean);
    expect(f.covariance()).toEqual(cov);
    expect(f.health.gated).toBe(1);
    const ok = f.update("gps", new Float64Array([0.9, -1.1]));
    expect(ok.status.kind).toBe("accepted");
    expect(f.health.updates).toBe(1);
  });

  test("update results explain themselves: prior, z, innovation, S, nis and log-likelihood", () => {
    const f = make();
    f.predict(11);
    const prior = f.mean();
    const r = f.update("gps", new Float64Array([1.2, -0.7]));
    expect(r.status.kind).toBe("accepted");
    expect(Array.from(r.prior.x)).toEqual(Array.from(prior));
    expect(Array.from(r.z as Float64Array)).toEqual([1.2, -0.7]);
    const y = r.y as Float64Array;
    const zHat = r.predictedMeasurement as Float64Array;
    expect(y[0]).toBeCloseTo(1.2 - (zHat[0] as number), 12);
    expect(r.nis as number).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(r.logLikelihood as number)).toBe(true);
    expect(f.logLikelihood).toBe(r.logLikelihood);
    const kept = r.clone();
    f.predict(12);
    f.update("gps", new Float64Array([2.2, -1.7]));
    expect(Array.from(kept.z as Float64Array)).toEqual([1.2, -0.7]);
  });
});

describe("No poison (invariant 4): bad numbers quarantine the filter and say why", () => {
  test.each(["kf", "ukf", "pf"] as const)(
    "%s: non-finite numbers quarantine the filter, readers throw, steps are refused",
    (kind) => {
      const transition = new RandomWalkTestModel(2, 0.1);
      const base = {
        transition,
        sensors: { s: { model: new SelectorTestSensor(2, [0, 1], 0.5) } },
        x0: new Float64Array([1, 2]),
        P0: new Float64Array([1, 0, 0, 1]),
        t0: 0,
      };
      const f: FilterBase =
        kind === "kf"
          ? new KalmanFilter(base)
          : kind === "ukf"
            ? new UnscentedKalmanFilter({ ...base, sigmaPoints: new MerweScaledSigmaPoints(2, 1, 2, 0) })
            : new ParticleFilter({ ...base, particles: 100, seed: 1, resampler: "residual" });
      f.predict(1, new Float64Array([0.5]));
      const good = f.mean();
      transition.poison = true;
      const p = f.predict(2);
      expect(p.status).toMatchObject({ kind: "rejected", reason: "NUMERICAL_FAILURE" });
      expect(f.quarantine?.reason).toMatch(/non-finite/);
      expect(() => f.mean()).toThrow(FilterQuarantinedError);
      expect(() => f.covariance()).toThrow(FilterQuarantinedError);
      transition.poison = false;
      expect(f.update("s", new Float64Array([1, 1])).status).toMatchObject({ reason: "QUARANTINED" });
      expect(f.predict(3).status).toMatchObject({ reason: "QUARANTINED" });
      expect(f.t).toBe(1);
      f.reset(good, new Float64Array([1, 0, 0, 1]), 5);
      expect(f.quarantine).toBeUndefined();
      expect(f.predict(6).status.kind).toBe("accepted");
    },
  );

  test("the linear Kalman filter refuses nonlinear models", () => {
    expect(
      () =>
        new KalmanFilter({
          transition: new ConstantVelocityTestModel(2, 1),
          sensors: { rb: { model: new RangeBearingTestSensor(new Float64Array([1, 0, 0, 1])) } },
          x0,
          P0,
          t0: 0,
        }),
    ).toThrow(InvalidFilterConfigError);
  });
});

describe("numerical safety nets are counted", () => {
  test("a UKF whose covariance is not positive definite is repaired and the repair reported", () => {
    const f = new UnscentedKalmanFilter({ ...cvOptions(), sigmaPoints: new MerweScaledSigmaPoints(4, 1, 2, 0) });
    const s = f.captureState();
    // Indefinite covariance: eigenvalues of [[1, 2], [2, 1]] are 3 and −1.
    const bad = new Float64Array([1, 2, 0, 0, 2, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    f.restoreState({ ...s, P: bad });
    const r = f.predict(10.1);
    expect(r.status.kind).toBe("accepted");
    expect(f.health.choleskyRepairs).toBe(1);
    const P = f.covariance();
    const L = new Float64Array(16);
    expect(P.every(Number.isFinite)).toBe(true);
    // P is SPD again: all leading minors positive via a Cholesky attempt.
    let ok = true;
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j <= i; j++) {
        let sum = P[i * 4 + j] as number;
        for (let k = 0; k < j; k++) sum -= (L[i * 4 + k] as number) * (L[j * 4 + k] as number);
        if (i === j) {
          if (!(sum > 0)) ok = false;
          L[i * 4 + i] = Math.sqrt(sum);
        } else L[i * 4 + j] = sum / (L[j * 4 + j] as number);
      }
    }
    expect(ok).toBe(true);
  });
});

describe("configuration is validated up front", () => {
  test("an indefinite or non-finite P0, bad gate probabilities and mismatched sigma points are refused", () => {
    const bad = new Float64Array([1, 2, 0, 0, 2, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(() => new KalmanFilter({ ...cvOptions(), P0: bad })).toThrow(InvalidFilterConfigError);
    const nan = P0.slice();
    nan[5] = Number.NaN;
    expect(() => new ExtendedKalmanFilter({ ...cvOptions(), P0: nan })).toThrow(InvalidFilterConfigError);
    expect(
      () =>
        new KalmanFilter({
          ...cvOptions(),
          sensors: { gps: { model: new SelectorTestSensor(4, [0, 2], 0.25), gate: { probability: 1 } } },
        }),
    ).toThrow(InvalidFilterConfigError);
    expect(
      () => new UnscentedKalmanFilter({ ...cvOptions(), sigmaPoints: new MerweScaledSigmaPoints(3, 0.5, 2, 0) }),
    ).toThrow(InvalidFilterConfigError);
    expect(() => new ParticleFilter({ ...cvOptions(), particles: 1, seed: 1, resampler: "systematic" })).toThrow(
      InvalidFilterConfigError,
    );
  });
});
