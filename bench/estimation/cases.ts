import {
  ConstantVelocity,
  ExpressionMeasurementModel,
  ExpressionTransitionModel,
  ExtendedKalmanFilter,
  KalmanFilter,
  MerweScaledSigmaPoints,
  ParticleFilter,
  PositionSelector,
  RangeBearing,
  type StateFilter,
  UnscentedKalmanFilter,
} from "@twinstate/estimation";
import { DT, positionData, rangeBearingData, truthAt } from "./reference-data.ts";
import { ReferenceRng } from "./reference-rng.ts";

/** One benchmark line: the C reference's fields (ref.c `print_line`) plus case-specific extras. */
export interface CaseResult {
  readonly case: string;
  readonly updates_per_s: number;
  readonly ns_per_update: number;
  readonly steps: number;
  readonly reps: number;
  readonly checksum: number;
  readonly pos_rmse: number;
  readonly [extra: string]: number | string | boolean | null;
}

/** Scale and repetition settings of a run. */
export interface CaseOptions {
  /** Multiplies the reference step counts (1 = the C reference's counts). */
  readonly scale: number;
  readonly reps: number;
}

/** The reference's step counts per case (ref.c `main`). */
export const REFERENCE_STEPS = {
  kf_cv4: 2_000_000,
  ekf_rb4: 1_000_000,
  ukf_rb4: 500_000,
  pf_cv4_1000: 2_000,
  ekf_pendulum_expr: 1_000_000,
} as const;

/** Name of a benchmark case. */
export type CaseName = keyof typeof REFERENCE_STEPS;

/** Steps of the untimed accuracy run (ref.c: the first 200,000 steps). */
const RMSE_STEPS = 200_000;
/** Q = Q_discrete_white_noise(2, 0.1, 0.05) per axis. */
const Q_VAR = 0.05;
const P0_CV = Float64Array.of(1, 0, 0, 0, 0, 0.25, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0.25);

function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

/** Process CPU time in seconds (user + system): unlike wall time, it excludes time descheduled by load. */
function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Fastest repetition so far: wall seconds and the CPU seconds of the same repetition. */
class BestTime {
  wall = Number.POSITIVE_INFINITY;
  cpu = Number.POSITIVE_INFINITY;
  private w0 = 0;
  private c0 = 0;

  start(): void {
    this.c0 = cpuNow();
    this.w0 = now();
  }

  stop(): void {
    const w = now() - this.w0;
    const c = cpuNow() - this.c0;
    if (w < this.wall) {
      this.wall = w;
      this.cpu = c;
    }
  }

  /** ns of CPU per step of the fastest repetition (a load indicator: close to ns_per_update when idle). */
  cpuNs(steps: number): number {
    return Number(((1e9 * this.cpu) / steps).toPrecision(4));
  }
}

function line(name: string, steps: number, best: number, reps: number, checksum: number, rmse: number) {
  return {
    case: name,
    updates_per_s: Number((steps / best).toPrecision(6)),
    ns_per_update: Number(((1e9 * best) / steps).toPrecision(6)),
    steps,
    reps,
    checksum,
    pos_rmse: Number(rmse.toPrecision(6)),
  };
}

function steps(name: CaseName, o: CaseOptions): number {
  return Math.max(1, Math.round(REFERENCE_STEPS[name] * o.scale));
}

/** What a Gaussian-filter driver loop returns: the checksum terms and the accepted-update count. */
interface LoopOutcome {
  acc: number;
  accepted: number;
}

/**
 * The (E)KF/UKF driver: for each step predict to t += DT, update with z_k from `sensor`, and accumulate
 * x[0] + x[2] of the posterior, read through the public UpdateResult (as ref.c accumulates the estimate).
 * With `truth`, also sums the squared position error (accuracy run, untimed).
 */
function runGaussianLoop(
  filter: StateFilter,
  sensor: string,
  z: Float64Array,
  n: number,
  truth: Float64Array | null,
  se: Float64Array,
): LoopOutcome {
  const zk = new Float64Array(2);
  let t = filter.t;
  let acc = 0;
  let accepted = 0;
  let err = 0;
  for (let k = 0; k < n; k++) {
    t += DT;
    filter.predict(t);
    zk[0] = z[2 * k] as number;
    zk[1] = z[2 * k + 1] as number;
    const r = filter.update(sensor, zk);
    if (r.status.kind === "accepted") accepted++;
    const x = r.posterior.x;
    acc += (x[0] as number) + (x[2] as number);
    if (truth !== null) {
      const dx = (x[0] as number) - (truth[2 * k] as number);
      const dy = (x[2] as number) - (truth[2 * k + 1] as number);
      err += dx * dx + dy * dy;
    }
  }
  se[0] = err;
  return { acc, accepted };
}

/** Times a Gaussian case: untimed accuracy run first (also the JIT warm-up), then `reps` timed runs. */
function timeGaussian(
  name: CaseName,
  o: CaseOptions,
  make: () => StateFilter,
  sensor: string,
  data: { z: Float64Array; truth: Float64Array },
  extras: (f: StateFilter) => Record<string, number>,
): CaseResult {
  const n = steps(name, o);
  const se = new Float64Array(1);
  const nAcc = Math.min(n, RMSE_STEPS);
  runGaussianLoop(make(), sensor, data.z, nAcc, data.truth, se);
  const rmse = Math.sqrt((se[0] as number) / nAcc);
  const best = new BestTime();
  let checksum = 0;
  let accepted = 0;
  let extra: Record<string, number> = {};
  for (let rep = 0; rep < o.reps; rep++) {
    const f = make();
    best.start();
    const out = runGaussianLoop(f, sensor, data.z, n, null, se);
    best.stop();
    const x = f.mean();
    const P = f.covariance();
    checksum = out.acc + x[0] + x[1] + x[2] + x[3] + P[0] + P[5] + P[10] + P[15];
    accepted = out.accepted;
    extra = extras(f);
  }
  return {
    ...line(name, n, best.wall, o.reps, checksum, rmse),
    ...extra,
    rejected_updates: n - accepted,
    cpu_ns_per_update: best.cpuNs(n),
  };
}

function cvModel(): ConstantVelocity {
  return new ConstantVelocity({ dimensions: 2, q: Q_VAR });
}

/** kf_cv4: linear KF, CV 2-D, position fixes with σ = 0.5, Joseph update. */
export function kfCv4(o: CaseOptions): CaseResult {
  const data = positionData(steps("kf_cv4", o), 1, 0.5);
  const transition = cvModel();
  const sensors = { position: { model: new PositionSelector({ model: transition, noiseStd: 0.5 }) } };
  const make = () => new KalmanFilter({ transition, sensors, x0: Float64Array.of(60, 0, 0, 0.5), P0: P0_CV, t0: 0 });
  return timeGaussian("kf_cv4", o, make, "position", data, () => ({}));
}

function rangeBearingSensor(): RangeBearing {
  return new RangeBearing({ dimX: 4, rangeStd: 0.3, bearingStd: (0.5 * Math.PI) / 180 });
}

/** ekf_rb4: EKF, CV 2-D, range/bearing from the origin with the bearing residual wrapped. */
export function ekfRb4(o: CaseOptions): CaseResult {
  const data = rangeBearingData(steps("ekf_rb4", o), 2);
  const transition = cvModel();
  const sensors = { radar: { model: rangeBearingSensor() } };
  const make = () =>
    new ExtendedKalmanFilter({ transition, sensors, x0: Float64Array.of(80, 0, 0, 0.6), P0: P0_CV, t0: 0 });
  return timeGaussian("ekf_rb4", o, make, "radar", data, () => ({}));
}

/** ukf_rb4: UKF with Merwe points (n = 4, α = 0.1, β = 2, κ = −1), same models as ekf_rb4. */
export function ukfRb4(o: CaseOptions): CaseResult {
  const data = rangeBearingData(steps("ukf_rb4", o), 3);
  const transition = cvModel();
  const sensors = { radar: { model: rangeBearingSensor() } };
  const sigmaPoints = new MerweScaledSigmaPoints(4, 0.1, 2, -1);
  const make = () =>
    new UnscentedKalmanFilter({
      transition,
      sensors,
      sigmaPoints,
      x0: Float64Array.of(80, 0, 0, 0.6),
      P0: P0_CV,
      t0: 0,
    });
  return timeGaussian("ukf_rb4", o, make, "radar", data, (f) => ({
    cholesky_failures: f.health.choleskyFailures,
    cholesky_repairs: f.health.choleskyJitters + f.health.choleskyRepairs,
  }));
}

/** The particle-filter driver loop (timed); `est` receives the posterior position per step. */
function runParticleLoop(filter: ParticleFilter, z: Float64Array, n: number, est: Float64Array): number {
  const zk = new Float64Array(2);
  let t = filter.t;
  let acc = 0;
  for (let k = 0; k < n; k++) {
    t += DT;
    filter.predict(t);
    zk[0] = z[2 * k] as number;
    zk[1] = z[2 * k + 1] as number;
    const x = filter.update("position", zk).posterior.x;
    est[2 * k] = x[0] as number;
    est[2 * k + 1] = x[2] as number;
    acc += (x[0] as number) + (x[2] as number);
  }
  return acc;
}

/**
 * pf_cv4_1000: bootstrap PF, 1000 particles, CV 2-D with the white-acceleration Q (rank 1 per axis: two
 * normals per particle), Gaussian position likelihood σ = 0.5, systematic resampling every step
 * (ESS threshold 1). The library's generator is xoshiro128** (the C one xoshiro256+), so the cloud and the
 * checksum differ from C's; pos_rmse is comparable.
 */
export function pfCv4(o: CaseOptions): CaseResult {
  const N = 1000;
  const n = steps("pf_cv4_1000", o);
  const data = positionData(n, 4, 0.5);
  const transition = cvModel();
  const sensors = { position: { model: new PositionSelector({ model: transition, noiseStd: 0.5 }) } };
  const x0 = Float64Array.from(truthAt(0));
  const make = () =>
    new ParticleFilter({
      transition,
      sensors,
      x0,
      P0: P0_CV,
      t0: 0,
      particles: N,
      seed: 100,
      resampler: "systematic",
      essThreshold: 1,
    });
  const est = new Float64Array(2 * n);
  runParticleLoop(make(), data.z, Math.min(n, 500), est); // warm-up
  const best = new BestTime();
  let checksum = 0;
  let rmse = 0;
  let resamples = 0;
  for (let rep = 0; rep < o.reps; rep++) {
    const f = make();
    best.start();
    checksum = runParticleLoop(f, data.z, n, est);
    best.stop();
    resamples = f.health.resamples;
    let se = 0;
    for (let i = 0; i < 2 * n; i++) se += ((est[i] as number) - (data.truth[i] as number)) ** 2;
    rmse = Math.sqrt(se / n);
  }
  return {
    ...line("pf_cv4_1000", n, best.wall, o.reps, checksum, rmse),
    particles: N,
    particle_steps_per_s: Number(((n * N) / best.wall).toPrecision(6)),
    resamples,
    cpu_ns_per_update: best.cpuNs(n),
  };
}

/** The damped pendulum declared by expressions (docs/ESTIMATION.md, worked example). */
export const PENDULUM_DECLARATION = {
  name: "pendulum_expr",
  state: [
    { name: "theta", unit: "rad" },
    { name: "omega", unit: "rad/s" },
  ],
  parameters: { g: 9.81, L: 1.5, c: 0.2 },
  dynamics: { theta: "omega", omega: "-(g / L) * sin(theta) - c * omega" },
  discretization: { method: "rk4" as const, substeps: 4 },
  processNoise: { omega: 0.02 },
};

/**
 * ekf_pendulum_expr (no C counterpart): EKF on the expression-declared pendulum (RK4, 4 substeps, Jacobian
 * by the chain rule through them) with a wrapped angle encoder (σ = 0.02 rad), dt = 0.1 s. The truth is
 * the model's own f with process noise drawn from Q(dt), generated before the timed loop; `pos_rmse` is
 * the RMSE of θ.
 */
export function ekfPendulumExpr(o: CaseOptions): CaseResult {
  const name = "ekf_pendulum_expr";
  const n = steps(name, o);
  const transition = new ExpressionTransitionModel(PENDULUM_DECLARATION);
  const encoder = new ExpressionMeasurementModel({
    state: ["theta", "omega"],
    measurements: [{ name: "angle", expr: "theta", noiseStd: 0.02, angular: true }],
  });
  const sensors = { encoder: { model: encoder } };
  // Truth and readings: x_{k+1} = f(x_k, DT) + √(q·DT)·ε on ω; z = wrap(θ + 0.02·ε). Untimed.
  const rng = new ReferenceRng(5);
  const z = new Float64Array(2 * n);
  const truth = new Float64Array(2 * n);
  const none = new Float64Array(0);
  let xt = Float64Array.of(1, 0);
  const next = new Float64Array(2);
  const qStd = Math.sqrt(0.02 * DT);
  for (let k = 0; k < n; k++) {
    transition.f(xt, DT, none, next);
    next[1] = (next[1] as number) + qStd * rng.gauss2()[0];
    xt = Float64Array.from(next);
    const angle = (xt[0] as number) + 0.02 * rng.gauss2()[0];
    z[2 * k] = angle - 2 * Math.PI * Math.floor((angle + Math.PI) / (2 * Math.PI));
    truth[2 * k] = xt[0] as number;
  }
  const make = () =>
    new ExtendedKalmanFilter({
      transition,
      sensors,
      x0: Float64Array.of(0.8, 0),
      P0: Float64Array.of(0.1, 0, 0, 0.1),
      t0: 0,
    });
  const se = new Float64Array(1);
  const nAcc = Math.min(n, RMSE_STEPS);
  runScalarLoop(make(), "encoder", z, nAcc, truth, se);
  const rmse = Math.sqrt((se[0] as number) / nAcc);
  const best = new BestTime();
  let checksum = 0;
  let accepted = 0;
  for (let rep = 0; rep < o.reps; rep++) {
    const f = make();
    best.start();
    const out = runScalarLoop(f, "encoder", z, n, null, se);
    best.stop();
    const x = f.mean();
    const P = f.covariance();
    checksum = out.acc + x[0] + x[1] + P[0] + P[3];
    accepted = out.accepted;
  }
  return {
    ...line(name, n, best.wall, o.reps, checksum, rmse),
    c_reference: null,
    rejected_updates: n - accepted,
    cpu_ns_per_update: best.cpuNs(n),
  };
}

/** Driver for a scalar sensor: z_k at z[2k]; accumulates x[0] + x[1]; θ error against truth[2k]. */
function runScalarLoop(
  filter: StateFilter,
  sensor: string,
  z: Float64Array,
  n: number,
  truth: Float64Array | null,
  se: Float64Array,
): LoopOutcome {
  const zk = new Float64Array(1);
  let t = filter.t;
  let acc = 0;
  let accepted = 0;
  let err = 0;
  for (let k = 0; k < n; k++) {
    t += DT;
    filter.predict(t);
    zk[0] = z[2 * k] as number;
    const r = filter.update(sensor, zk);
    if (r.status.kind === "accepted") accepted++;
    const x = r.posterior.x;
    acc += (x[0] as number) + (x[1] as number);
    if (truth !== null) {
      const d = (x[0] as number) - (truth[2 * k] as number);
      err += d * d;
    }
  }
  se[0] = err;
  return { acc, accepted };
}

/** Every case, in the C reference's order, then the expression case. */
export const CASES: Readonly<Record<CaseName, (o: CaseOptions) => CaseResult>> = {
  kf_cv4: kfCv4,
  ekf_rb4: ekfRb4,
  ukf_rb4: ukfRb4,
  pf_cv4_1000: pfCv4,
  ekf_pendulum_expr: ekfPendulumExpr,
};
