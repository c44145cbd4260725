import { afterAll, describe, expect, test } from "@jest/globals";
import { KalmanFilter } from "../../src/filters/kalman-filter.ts";
import { rtsSmooth } from "../../src/smoothing/rts-smoother.ts";
import { flat, loadConformance, ToleranceChecker } from "../support/conformance-fixture.ts";
import { LinearTestSensor, SteppedLinearTransition } from "../support/conformance-models.ts";

const worst = new Map<string, string>();

describe("FilterPy conformance: RTS smoother over a recorded Kalman run", () => {
  for (const file of ["kf_cv2d.json", "kf_cv2d_rts.json"]) {
    test(`${file}: smoothed x, P, gains and Pp within the README tolerance`, () => {
      const g = loadConformance(file);
      const check = new ToleranceChecker(g.tolerance_hint);
      const transition = new SteppedLinearTransition(
        g.state_labels,
        g.steps.map((s: { F: number[][] }) => flat(s.F)),
        g.steps.map((s: { Q: number[][] }) => flat(s.Q)),
      );
      const filter = new KalmanFilter({
        transition,
        sensors: { pos: { model: new LinearTestSensor(g.measurement_labels, flat(g.H), flat(g.R)) } },
        x0: flat(g.x0),
        P0: flat(g.P0),
        t0: 0,
      });
      const run = {
        x: [] as Float64Array[],
        P: [] as Float64Array[],
        F: [] as Float64Array[],
        Q: [] as Float64Array[],
      };
      let t = 0;
      for (const step of g.steps) {
        transition.step = step.k;
        t += step.dt;
        const p = filter.predict(t);
        run.F.push((p.F as Float64Array).slice());
        run.Q.push((p.Q as Float64Array).slice());
        if (step.z !== null) filter.update("pos", flat(step.z));
        run.x.push(filter.mean());
        run.P.push(filter.covariance());
      }
      const s = rtsSmooth(run);
      const rts = g.rts_smoother;
      for (let k = 0; k < g.n_steps; k++) {
        check.check(`k${k}.x`, s.x[k] as Float64Array, rts.x[k]);
        check.check(`k${k}.P`, s.P[k] as Float64Array, rts.P[k]);
        check.check(`k${k}.gain`, s.G[k] as Float64Array, rts.gain[k]);
        check.check(`k${k}.Pp`, s.Pp[k] as Float64Array, rts.Pp[k]);
      }
      worst.set(file, `${check.worst.toExponential(3)} at ${check.worstWhere}`);
      expect(check.failures.slice(0, 10)).toEqual([]);
    });
  }

  afterAll(() => {
    for (const [k, v] of worst) console.log(`conformance worst error/tolerance ${k} (rts_smoother): ${v}`);
  });
});
