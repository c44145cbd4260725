import { InvalidFilterConfigError } from "../errors/invalid-filter-config-error.ts";
import { SerializationFormatError, SerializedModelMismatchError } from "../errors/serialization-error.ts";
import { ExtendedKalmanFilter } from "../filters/extended-kalman-filter.ts";
import type { FilterBase } from "../filters/filter-base.ts";
import { createFilterHealth, FILTER_HEALTH_FIELDS } from "../filters/filter-health.ts";
import type { FilterSnapshot, ParticleSnapshot } from "../filters/filter-snapshot.ts";
import { KalmanFilter } from "../filters/kalman-filter.ts";
import { ParticleFilter } from "../filters/particle-filter.ts";
import { JulierSigmaPoints, MerweScaledSigmaPoints } from "../filters/sigma-points.ts";
import type { SensorConfig } from "../filters/state-filter.ts";
import { UnscentedKalmanFilter } from "../filters/unscented-kalman-filter.ts";
import type { TransitionModel } from "../models/transition-model.ts";
import type { ResamplerName } from "../resampling/resampler.ts";
import { LagWindowFilter } from "../time/lag-window-filter.ts";
import { ByteReader } from "./byte-reader.ts";
import { ByteWriter } from "./byte-writer.ts";

/** Format version written by this library. Readers accept exactly the versions they know. */
export const FILTER_FORMAT_VERSION = 1;
const MAGIC = [0x54, 0x57, 0x53, 0x46]; // "TWSF"
const KIND_CODES = { kf: 1, ekf: 2, ukf: 3, pf: 4, lag: 5 } as const;
const RESAMPLER_CODES: readonly ResamplerName[] = ["systematic", "stratified", "residual", "multinomial"];

/** The models a serialized filter is restored against (from the twin definition; not serialized). */
export interface FilterModels {
  readonly transition: TransitionModel;
  readonly sensors: Readonly<Record<string, SensorConfig>>;
}

/** Anything {@link serializeFilter} accepts. */
export type SerializableFilter = FilterBase | LagWindowFilter;

/**
 * Serializes a filter's complete state into a compact, versioned binary record (little-endian).
 *
 * Layout: "TWSF", version u8, kind u8 (1 kf, 2 ekf, 3 ukf, 4 pf, 5 lag window), then for a plain filter:
 * model signature (transition name, dimX, dimU; per sensor: name, model name, dimZ), configuration (maxDt;
 * UKF sigma-point kind/α/β/κ; PF N, seed, resampler, ESS threshold, roughening), state (t, x, P as the upper
 * triangle when exactly symmetric, else in full, last input, run log-likelihood, health counters as
 * varints, quarantine), and for the PF the RNG state, the cloud and the weights (omitted when uniform).
 * A lag window stores its lag, latest time, sequence counter, the inner filter at the oldest checkpoint and
 * the retained readings; checkpoints are rebuilt by re-filtering on restore. Floats are stored as raw
 * float64, so the round trip is bit-exact and a restored filter continues bit-identically.
 */
export function serializeFilter(filter: SerializableFilter): Uint8Array {
  const w = new ByteWriter();
  for (const b of MAGIC) w.u8(b);
  w.u8(FILTER_FORMAT_VERSION);
  if (filter instanceof LagWindowFilter) {
    w.u8(KIND_CODES.lag);
    w.f64(filter.lag);
    w.f64(filter.latestTime);
    w.varint(filter.nextSequence);
    const entries = filter.history;
    const inner = filter.filter;
    const base = entries.length > 0 ? (entries[0] as (typeof entries)[number]).checkpoint : inner.captureState();
    w.bytes(encodePlain(inner, base));
    const sensorNames = Object.keys(inner.sensors);
    w.varint(entries.length);
    for (const e of entries) {
      w.f64(e.t);
      w.varint(e.seq);
      w.varint(e.sensor === null ? 0 : sensorNames.indexOf(e.sensor) + 1);
      if (e.sensor !== null) w.f64s(e.z as Float64Array);
      w.u8(e.u === null ? 0 : 1);
      if (e.u !== null) w.f64s(e.u);
    }
    return w.finish();
  }
  w.u8(KIND_CODES[filter.kind]);
  w.bytes(encodePlain(filter, filter.captureState()));
  return w.finish();
}

function encodePlain(filter: FilterBase, s: FilterSnapshot): Uint8Array {
  const w = new ByteWriter();
  const n = filter.dimX;
  w.u8(KIND_CODES[filter.kind]);
  w.string(filter.transition.name);
  w.varint(n);
  w.varint(filter.dimU);
  const names = Object.keys(filter.sensors);
  w.varint(names.length);
  for (const name of names) {
    const model = (filter.sensors[name] as SensorConfig).model;
    w.string(name);
    w.string(model.name);
    w.varint(model.dimZ);
  }
  w.f64(filter.maxDt);
  if (filter instanceof UnscentedKalmanFilter) {
    const sp = filter.sigmaPoints;
    w.u8(sp.kind === "merwe" ? 0 : 1);
    w.f64(sp.alpha);
    w.f64(sp.beta);
    w.f64(sp.kappa);
  } else if (filter instanceof ParticleFilter) {
    w.u32(filter.numParticles);
    w.u32(filter.seed);
    w.u8(RESAMPLER_CODES.indexOf(filter.resamplerName));
    w.f64(filter.essThreshold);
    w.f64(filter.roughening);
  }
  w.f64(s.t);
  w.f64s(s.x);
  let symmetric = true;
  for (let i = 0; i < n && symmetric; i++) {
    for (let j = i + 1; j < n; j++) {
      if (!Object.is(s.P[i * n + j], s.P[j * n + i])) {
        symmetric = false;
        break;
      }
    }
  }
  w.u8(symmetric ? 1 : 0);
  if (symmetric) for (let i = 0; i < n; i++) for (let j = i; j < n; j++) w.f64(s.P[i * n + j] as number);
  else w.f64s(s.P);
  w.f64s(s.lastInput);
  w.f64(s.logLikelihood);
  for (const f of FILTER_HEALTH_FIELDS) w.varint(s.health[f]);
  w.u8(s.quarantine === undefined ? 0 : 1);
  if (s.quarantine !== undefined) {
    w.string(s.quarantine.reason);
    w.f64(s.quarantine.t);
  }
  if (s.particles !== undefined) {
    const p = s.particles;
    for (let i = 0; i < 4; i++) w.u32(p.rng.words[i] as number);
    w.u8(p.rng.hasSpare ? 1 : 0);
    w.f64(p.rng.spare);
    w.f64s(p.cloud);
    const N = p.weights.length;
    let uniform = true;
    for (let i = 0; i < N; i++) if (p.weights[i] !== 1 / N) uniform = false;
    w.u8(uniform ? 1 : 0);
    if (!uniform) w.f64s(p.weights);
  }
  return w.finish();
}

/**
 * Restores a filter (or lag window) from {@link serializeFilter} bytes, against the given models.
 *
 * Throws SerializationFormatError for bad magic, unknown versions or truncation, and
 * SerializedModelMismatchError when the models' names or dimensions differ from those recorded.
 */
export function deserializeFilter(bytes: Uint8Array, models: FilterModels): FilterBase | LagWindowFilter {
  const r = new ByteReader(bytes);
  for (const b of MAGIC) {
    if (r.u8() !== b) throw new SerializationFormatError("not a serialized twinstate filter (bad magic)");
  }
  const version = r.u8();
  if (version !== FILTER_FORMAT_VERSION) {
    throw new SerializationFormatError(`unsupported filter format version ${version}`, { version });
  }
  const kind = r.u8();
  if (kind === KIND_CODES.lag) {
    const lag = r.f64();
    const latest = r.f64();
    const nextSeq = r.varint();
    const inner = decodePlain(r.bytes(), models);
    const sensorNames = Object.keys(inner.sensors);
    const count = r.varint();
    const entries = [];
    for (let k = 0; k < count; k++) {
      const t = r.f64();
      const seq = r.varint();
      const si = r.varint();
      const sensor = si === 0 ? null : (sensorNames[si - 1] as string);
      const z = sensor === null ? null : r.f64s((models.sensors[sensor] as SensorConfig).model.dimZ);
      const u = r.u8() === 1 ? r.f64s(inner.dimU) : null;
      entries.push({ t, seq, sensor, z, u });
    }
    if (!r.done) throw new SerializationFormatError("trailing bytes after serialized lag window");
    return LagWindowFilter.rebuild(inner, lag, entries, nextSeq, latest);
  }
  const filter = decodePlain(r.bytes(), models);
  if (KIND_CODES[filter.kind] !== kind || !r.done) throw new SerializationFormatError("inconsistent filter record");
  return filter;
}

function mismatch(message: string, details: Record<string, unknown>): never {
  throw new SerializedModelMismatchError(message, details);
}

function decodePlain(bytes: Uint8Array, models: FilterModels): FilterBase {
  const r = new ByteReader(bytes);
  const kind = r.u8();
  const transitionName = r.string();
  const n = r.varint();
  const dimU = r.varint();
  const { transition, sensors } = models;
  if (transition.name !== transitionName || transition.dimX !== n || transition.dimU !== dimU) {
    mismatch(`transition model mismatch: recorded ${transitionName} (dimX ${n}, dimU ${dimU})`, {
      recorded: { name: transitionName, dimX: n, dimU },
      given: { name: transition.name, dimX: transition.dimX, dimU: transition.dimU },
    });
  }
  const count = r.varint();
  const given = Object.keys(sensors);
  if (given.length !== count) mismatch(`recorded ${count} sensors, given ${given.length}`, { given });
  for (let i = 0; i < count; i++) {
    const name = r.string();
    const modelName = r.string();
    const dimZ = r.varint();
    const cfg = sensors[name];
    if (given[i] !== name || cfg === undefined || cfg.model.name !== modelName || cfg.model.dimZ !== dimZ) {
      mismatch(`sensor "${name}" mismatch: recorded model ${modelName} (dimZ ${dimZ})`, {
        sensor: name,
        recorded: { model: modelName, dimZ },
        given: cfg === undefined ? null : { model: cfg.model.name, dimZ: cfg.model.dimZ },
      });
    }
  }
  const maxDt = r.f64();
  let sigma: { kind: number; alpha: number; beta: number; kappa: number } | undefined;
  let pf: { N: number; seed: number; resampler: ResamplerName; ess: number; roughening: number } | undefined;
  if (kind === KIND_CODES.ukf) sigma = { kind: r.u8(), alpha: r.f64(), beta: r.f64(), kappa: r.f64() };
  if (kind === KIND_CODES.pf) {
    const N = r.u32();
    const seed = r.u32();
    const resampler = RESAMPLER_CODES[r.u8()];
    if (resampler === undefined) throw new SerializationFormatError("unknown resampler code");
    pf = { N, seed, resampler, ess: r.f64(), roughening: r.f64() };
  }
  const t = r.f64();
  const x = r.f64s(n);
  const P = new Float64Array(n * n);
  if (r.u8() === 1) {
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const v = r.f64();
        P[i * n + j] = v;
        P[j * n + i] = v;
      }
    }
  } else P.set(r.f64s(n * n));
  const lastInput = r.f64s(dimU);
  const logLikelihood = r.f64();
  const health = createFilterHealth();
  for (const f of FILTER_HEALTH_FIELDS) health[f] = r.varint();
  const quarantine = r.u8() === 1 ? { reason: r.string(), t: r.f64() } : undefined;
  let particles: ParticleSnapshot | undefined;
  if (pf !== undefined) {
    const words = Uint32Array.of(r.u32(), r.u32(), r.u32(), r.u32());
    const hasSpare = r.u8() === 1;
    const spare = r.f64();
    const cloud = r.f64s(pf.N * n);
    const weights = r.u8() === 1 ? new Float64Array(pf.N).fill(1 / pf.N) : r.f64s(pf.N);
    particles = { cloud, weights, rng: { words, hasSpare, spare } };
  }
  if (!r.done) throw new SerializationFormatError("trailing bytes in serialized filter");
  // Construct from a safe Gaussian (the recorded P may be a quarantined filter's last good one), then restore.
  const identity = new Float64Array(n * n);
  for (let i = 0; i < n; i++) identity[i * n + i] = 1;
  const base = { transition, sensors, x0: new Float64Array(n), P0: identity, t0: 0, maxDt };
  let filter: FilterBase;
  switch (kind) {
    case KIND_CODES.kf:
      filter = new KalmanFilter(base);
      break;
    case KIND_CODES.ekf:
      filter = new ExtendedKalmanFilter(base);
      break;
    case KIND_CODES.ukf: {
      const s = sigma as NonNullable<typeof sigma>;
      const sigmaPoints =
        s.kind === 0 ? new MerweScaledSigmaPoints(n, s.alpha, s.beta, s.kappa) : new JulierSigmaPoints(n, s.kappa);
      filter = new UnscentedKalmanFilter({ ...base, sigmaPoints });
      break;
    }
    case KIND_CODES.pf: {
      const p = pf as NonNullable<typeof pf>;
      filter = new ParticleFilter({
        ...base,
        particles: p.N,
        seed: p.seed,
        resampler: p.resampler,
        essThreshold: p.ess,
        roughening: p.roughening,
      });
      break;
    }
    default:
      throw new SerializationFormatError(`unknown filter kind code ${kind}`);
  }
  try {
    filter.restoreState({
      t,
      x,
      P,
      lastInput,
      logLikelihood,
      health,
      quarantine,
      ...(particles === undefined ? {} : { particles }),
    });
  } catch (e) {
    if (e instanceof InvalidFilterConfigError) throw new SerializationFormatError(e.message, {}, { cause: e });
    throw e;
  }
  return filter;
}
