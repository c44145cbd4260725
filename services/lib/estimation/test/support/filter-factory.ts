import { ExtendedKalmanFilter } from "../../src/filters/extended-kalman-filter.ts";
import type { FilterBase } from "../../src/filters/filter-base.ts";
import { KalmanFilter } from "../../src/filters/kalman-filter.ts";
import { ParticleFilter } from "../../src/filters/particle-filter.ts";
import { JulierSigmaPoints, MerweScaledSigmaPoints } from "../../src/filters/sigma-points.ts";
import { UnscentedKalmanFilter } from "../../src/filters/unscented-kalman-filter.ts";
import type { FilterModels } from "../../src/serialization/filter-serialization.ts";
import { ConstantVelocityTestModel, gaussianStream, SelectorTestSensor } from "./test-models.ts";

/** Filter kinds built by {@link makeFilter}. */
export type TestFilterKind = "kf" | "ekf" | "ukf-merwe" | "ukf-julier" | "pf";

/** Models of the 2-D constant-velocity test scenario: a position fix and a speed sensor. */
export function cvModels(axes = 2): FilterModels {
  const n = 2 * axes;
  return {
    transition: new ConstantVelocityTestModel(axes, 0.05),
    sensors: {
      gps: {
        model: new SelectorTestSensor(
          n,
          Array.from({ length: axes }, (_, a) => 2 * a),
          0.25,
        ),
        gate: { probability: 0.999 },
      },
      speed: { model: new SelectorTestSensor(n, [1], 0.04) },
    },
  };
}

/** A filter of the given kind on the CV test scenario. */
export function makeFilter(kind: TestFilterKind, models: FilterModels = cvModels(), seed = 3): FilterBase {
  const n = models.transition.dimX;
  const x0 = new Float64Array(n);
  for (let i = 1; i < n; i += 2) x0[i] = 1;
  const P0 = new Float64Array(n * n);
  for (let i = 0; i < n; i++) P0[i * n + i] = 2;
  const base = { ...models, x0, P0, t0: 0, maxDt: 100 };
  switch (kind) {
    case "kf":
      return new KalmanFilter(base);
    case "ekf":
      return new ExtendedKalmanFilter(base);
    case "ukf-merwe":
      return new UnscentedKalmanFilter({ ...base, sigmaPoints: new MerweScaledSigmaPoints(n, 0.3, 2, 3 - n) });
    case "ukf-julier":
      return new UnscentedKalmanFilter({ ...base, sigmaPoints: new JulierSigmaPoints(n, 3 - n) });
    case "pf":
      return new ParticleFilter({
        ...base,
        particles: 200,
        seed,
        resampler: "stratified",
        essThreshold: 0.6,
        roughening: 0.1,
      });
  }
}

/** One scripted reading of the CV scenario. */
export interface ScriptedReading {
  t: number;
  sensor: "gps" | "speed" | null;
  z: Float64Array | null;
}

/** A deterministic trajectory with noisy gps/speed readings and some predict-only steps. */
export function scriptedReadings(count: number, seed: number, axes = 2): ScriptedReading[] {
  const g = gaussianStream(seed);
  const out: ScriptedReading[] = [];
  let t = 0;
  const pos = new Float64Array(axes);
  const vel = new Float64Array(axes).fill(1);
  for (let k = 0; k < count; k++) {
    const dt = 0.05 + 0.25 * Math.abs(g()) * 0.5;
    t += dt;
    for (let a = 0; a < axes; a++) {
      vel[a] = (vel[a] as number) + 0.2 * g() * Math.sqrt(dt);
      pos[a] = (pos[a] as number) + dt * (vel[a] as number);
    }
    const kind = k % 7 === 6 ? null : k % 3 === 2 ? "speed" : "gps";
    const z =
      kind === "gps"
        ? Float64Array.from(pos, (p) => p + 0.5 * g())
        : kind === "speed"
          ? new Float64Array([(vel[0] as number) + 0.2 * g()])
          : null;
    out.push({ t, sensor: kind, z });
  }
  return out;
}

/** Feeds readings into a filter in the given order (predict to t, then update). */
export function feed(filter: FilterBase, readings: readonly ScriptedReading[]): void {
  for (const r of readings) {
    filter.predict(r.t);
    if (r.sensor !== null && r.z !== null) filter.update(r.sensor, r.z);
  }
}
