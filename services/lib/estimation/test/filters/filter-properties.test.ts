import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import { KalmanFilter } from "../../src/filters/kalman-filter.ts";
import { JulierSigmaPoints, MerweScaledSigmaPoints } from "../../src/filters/sigma-points.ts";
import { UnscentedKalmanFilter } from "../../src/filters/unscented-kalman-filter.ts";
import { choleskyLower } from "../../src/linalg/cholesky.ts";
import { cvModels, feed, makeFilter, scriptedReadings, type TestFilterKind } from "../support/filter-factory.ts";
import { gaussianStream } from "../support/test-models.ts";

describe("filter properties", () => {
  test("property: on linear models the UKF equals the KF (x, P, S, K, nis, log-likelihood) to ~1e-9", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10000 }),
        fc.double({ min: 0.1, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.boolean(),
        (seed, alpha, beta, julier) => {
          const models = cvModels();
          const x0 = new Float64Array([0, 1, 0, 1]);
          const P0 = new Float64Array([2, 0.3, 0, 0, 0.3, 1, 0, 0, 0, 0, 2, -0.2, 0, 0, -0.2, 1]);
          const kf = new KalmanFilter({ ...models, x0, P0, t0: 0 });
          const ukf = new UnscentedKalmanFilter({
            ...models,
            x0,
            P0,
            t0: 0,
            sigmaPoints: julier ? new JulierSigmaPoints(4, 0.5) : new MerweScaledSigmaPoints(4, alpha, beta, 0),
          });
          let worst = 0;
          const close = (a: ArrayLike<number>, b: ArrayLike<number>, scale: number) => {
            for (let i = 0; i < a.length; i++) {
              worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)) / (1e-9 * scale));
            }
          };
          for (const r of scriptedReadings(40, seed)) {
            kf.predict(r.t);
            ukf.predict(r.t);
            close(kf.covariance(), ukf.covariance(), 10);
            if (r.sensor === null || r.z === null) continue;
            const a = kf.update(r.sensor, r.z);
            const b = ukf.update(r.sensor, r.z);
            expect(b.status.kind).toBe(a.status.kind);
            close(a.S as Float64Array, b.S as Float64Array, 10);
            close([a.nis as number], [b.nis as number], 100);
            if (a.status.kind !== "accepted") continue;
            close(a.K as Float64Array, b.K as Float64Array, 10);
            close([a.logLikelihood as number], [b.logLikelihood as number], 100);
            close(kf.mean(), ukf.mean(), 100);
            close(kf.covariance(), ukf.covariance(), 10);
          }
          expect(worst).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 15 },
    );
  });

  test("property: covariances stay exactly symmetric and positive definite over long random runs", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<TestFilterKind>("kf", "ekf", "ukf-merwe", "ukf-julier"),
        fc.integer({ min: 1, max: 100000 }),
        (kind, seed) => {
          const f = makeFilter(kind);
          const g = gaussianStream(seed);
          const n = f.dimX;
          const L = new Float64Array(n * n);
          let t = 0;
          for (let k = 0; k < 400; k++) {
            // dt from 1 µs to ~50 s: stress both tiny and huge steps
            t += 10 ** (-6 + 7.7 * Math.abs(Math.sin(k * 12.9898 + seed)));
            f.predict(t);
            const u = Math.abs(g());
            if (u < 1.2) f.update("gps", new Float64Array([g() * 100, g() * 100]));
            else if (u < 1.8) f.update("speed", new Float64Array([g() * 3]));
            const P = f.covariance();
            let symmetric = true;
            for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) symmetric &&= Object.is(P[i * n + j], P[j * n + i]);
            if (!symmetric || !choleskyLower(P, L, n) || f.quarantine !== undefined) {
              throw new Error(`step ${k}: P lost symmetry or positive definiteness`);
            }
          }
        },
      ),
      { numRuns: 10 },
    );
  });

  test("the run log-likelihood is the sum of the accepted updates' log-likelihoods", () => {
    const f = makeFilter("kf");
    let sum = 0;
    for (const r of scriptedReadings(50, 8)) {
      f.predict(r.t);
      if (r.sensor !== null && r.z !== null) {
        const u = f.update(r.sensor, r.z);
        if (u.status.kind === "accepted") sum += u.logLikelihood as number;
      }
    }
    expect(f.logLikelihood).toBe(sum);
  });

  test("the correct process noise has a higher run log-likelihood than badly wrong ones", () => {
    const readings = scriptedReadings(300, 21);
    const ll = (q: number) => {
      const models = cvModels();
      const f = makeFilter("kf", { ...models, transition: models.transition.withParameters({ q }) });
      feed(f, readings);
      return f.logLikelihood;
    };
    // scriptedReadings drives velocity with variance 0.04·dt per step, dt ≈ 0.1 s; the test CV model's Q has
    // velocity variance q·dt², so q ≈ 0.04/dt ≈ 0.4 matches.
    const best = ll(0.4);
    expect(best).toBeGreaterThan(ll(40));
    expect(best).toBeGreaterThan(ll(0.004));
  });
});
