import { afterAll, describe, expect, test } from "@jest/globals";
import { JulierSigmaPoints, MerweScaledSigmaPoints, writeSigmaPoints } from "../../src/filters/sigma-points.ts";
import type { UnscentedPredictResult, UnscentedUpdateResult } from "../../src/filters/step-results.ts";
import { UnscentedKalmanFilter } from "../../src/filters/unscented-kalman-filter.ts";
import { choleskyLower } from "../../src/linalg/cholesky.ts";
import { flat, loadConformance, ToleranceChecker, worstRatios } from "../support/conformance-fixture.ts";
import { RangeBearingTestSensor, SteppedLinearTransition } from "../support/conformance-models.ts";

function runGolden(file: string): ToleranceChecker {
  const g = loadConformance(file);
  const check = new ToleranceChecker(g.tolerance_hint);
  const sp =
    g.sigma_points.type === "MerweScaledSigmaPoints"
      ? new MerweScaledSigmaPoints(g.sigma_points.n, g.sigma_points.alpha, g.sigma_points.beta, g.sigma_points.kappa)
      : new JulierSigmaPoints(g.sigma_points.n, g.sigma_points.kappa);
  check.check("Wm", sp.Wm, g.sigma_points.Wm);
  check.check("Wc", sp.Wc, g.sigma_points.Wc);
  check.check("first_step_sigma.Wm", sp.Wm, g.first_step_sigma.Wm);
  const transition = new SteppedLinearTransition(
    g.state_labels,
    g.steps.map((s: { F: number[][] }) => flat(s.F)),
    g.steps.map((s: { Q: number[][] }) => flat(s.Q)),
  );
  const filter = new UnscentedKalmanFilter({
    transition,
    sensors: { rb: { model: new RangeBearingTestSensor(flat(g.R)) } },
    x0: flat(g.x0),
    P0: flat(g.P0),
    t0: 0,
    sigmaPoints: sp,
  });
  const n = 4;
  const L = new Float64Array(n * n);
  const scaled = new Float64Array(n * n);
  const pts = new Float64Array(sp.numSigmas * n);
  let t = 0;
  for (const step of g.steps) {
    const k = step.k as number;
    transition.step = k;
    t += step.dt;
    const p = filter.predict(t) as UnscentedPredictResult;
    expect(p.status.kind).toBe("accepted");
    check.check(`k${k}.predict_points`, p.sigmaPoints, step.sigma_points.predict_points);
    check.check(`k${k}.predict_points_f`, p.propagatedSigmaPoints, step.sigma_points.predict_points_f);
    check.check(`k${k}.prior.x`, p.predicted.x, step.prior.x);
    check.check(`k${k}.prior.P`, p.predicted.P, step.prior.P);
    let u: UnscentedUpdateResult | null = null;
    if (step.z !== null) {
      u = filter.update("rb", flat(step.z)) as UnscentedUpdateResult;
      expect(u.status.kind).toBe("accepted");
      check.check(`k${k}.update_points`, u.sigmaPoints, step.sigma_points.update_points);
    } else {
      // No update: regenerate σ(prior) the same way to check the stored update_points.
      const P = filter.covariance();
      for (let i = 0; i < n * n; i++) scaled[i] = sp.scale * (P[i] as number);
      expect(choleskyLower(scaled, L, n)).toBe(true);
      writeSigmaPoints(filter.mean(), L, n, pts);
      check.check(`k${k}.update_points`, pts, step.sigma_points.update_points);
    }
    check.check(`k${k}.update_points_h`, u?.sigmaMeasurements ?? null, step.sigma_points.update_points_h);
    check.check(`k${k}.zp`, u?.predictedMeasurement ?? null, step.zp);
    check.check(`k${k}.Pxz`, u?.Pxz ?? null, step.Pxz);
    check.check(`k${k}.y`, u?.y ?? null, step.y);
    check.check(`k${k}.S`, u?.S ?? null, step.S);
    check.check(`k${k}.K`, u?.K ?? null, step.K);
    check.check(`k${k}.log_likelihood`, u?.logLikelihood ?? null, step.log_likelihood, true);
    check.check(`k${k}.posterior.x`, filter.mean(), step.posterior.x);
    check.check(`k${k}.posterior.P`, filter.covariance(), step.posterior.P);
  }
  expect(filter.health.choleskyJitters + filter.health.choleskyRepairs).toBe(0);
  return check;
}

describe("FilterPy conformance: unscented Kalman filter", () => {
  for (const file of ["ukf_range_bearing_merwe.json", "ukf_range_bearing_julier.json"]) {
    test(`${file} reproduces sigma points, zp, Pxz, S, K, prior and posterior within the README tolerance`, () => {
      const check = runGolden(file);
      worstRatios.set(`${file}`, { ratio: check.worst, where: check.worstWhere });
      expect(check.failures.slice(0, 10)).toEqual([]);
    });
  }

  afterAll(() => {
    for (const [k, v] of worstRatios) {
      console.log(`conformance worst error/tolerance ${k}: ${v.ratio.toExponential(3)} at ${v.where}`);
    }
  });
});
