import { afterAll, describe, expect, test } from "@jest/globals";
import { ExtendedKalmanFilter } from "../../src/filters/extended-kalman-filter.ts";
import { KalmanFilter } from "../../src/filters/kalman-filter.ts";
import type { UpdateResult } from "../../src/filters/state-filter.ts";
import { flat, loadConformance, ToleranceChecker, worstRatios } from "../support/conformance-fixture.ts";
import { LinearTestSensor, RangeBearingTestSensor, SteppedLinearTransition } from "../support/conformance-models.ts";

function runGolden(file: string, kind: "kf" | "ekf"): ToleranceChecker {
  const g = loadConformance(file);
  const check = new ToleranceChecker(g.tolerance_hint);
  const transition = new SteppedLinearTransition(
    g.state_labels,
    g.steps.map((s: { F: number[][]; Q: number[][] }) => flat(s.F)),
    g.steps.map((s: { F: number[][]; Q: number[][] }) => flat(s.Q)),
  );
  const model =
    kind === "kf"
      ? new LinearTestSensor(g.measurement_labels, flat(g.H), flat(g.R))
      : new RangeBearingTestSensor(flat(g.R));
  const options = { transition, sensors: { s: { model } }, x0: flat(g.x0), P0: flat(g.P0), t0: 0 };
  const filter = kind === "kf" ? new KalmanFilter(options) : new ExtendedKalmanFilter(options);
  let t = 0;
  for (const step of g.steps) {
    const k = step.k as number;
    transition.step = k;
    t += step.dt;
    const p = filter.predict(t);
    expect(p.status.kind).toBe("accepted");
    check.check(`k${k}.prior.x`, p.predicted.x, step.prior.x);
    check.check(`k${k}.prior.P`, p.predicted.P, step.prior.P);
    let u: UpdateResult | null = null;
    if (step.z !== null) {
      u = filter.update("s", flat(step.z));
      expect(u.status.kind).toBe("accepted");
    }
    check.check(`k${k}.y`, u?.y ?? null, step.y);
    check.check(`k${k}.S`, u?.S ?? null, step.S);
    check.check(`k${k}.K`, u?.K ?? null, step.K);
    check.check(`k${k}.log_likelihood`, u?.logLikelihood ?? null, step.log_likelihood, true);
    if (kind === "ekf") {
      check.check(`k${k}.H`, (u as { H?: Float64Array | null } | null)?.H ?? null, step.H);
      check.check(`k${k}.hx`, u?.predictedMeasurement ?? null, step.hx);
    }
    check.check(`k${k}.posterior.x`, filter.mean(), step.posterior.x);
    check.check(`k${k}.posterior.P`, filter.covariance(), step.posterior.P);
  }
  return check;
}

describe("FilterPy conformance: Kalman and extended Kalman filters", () => {
  for (const [file, kind] of [
    ["kf_cv2d.json", "kf"],
    ["kf_cv2d_rts.json", "kf"],
    ["ekf_range_bearing.json", "ekf"],
  ] as const) {
    test(`${file} reproduces every step within the README tolerance`, () => {
      const check = runGolden(file, kind);
      worstRatios.set(`${file} (filter)`, { ratio: check.worst, where: check.worstWhere });
      expect(check.failures).toEqual([]);
      expect(check.worst).toBeLessThanOrEqual(1);
    });
  }

  afterAll(() => {
    for (const [k, v] of worstRatios)
      console.log(`conformance worst error/tolerance ${k}: ${v.ratio.toExponential(3)} at ${v.where}`);
  });
});
