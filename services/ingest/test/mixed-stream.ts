/**
 * A deterministic mixed stream of raw inputs for the ingest integration tests and benchmark: valid readings
 * across the example contracts (deploy/contracts) and every kind of bad input, each labelled with the outcome
 * it must get.
 *
 * Why labels: with readings keyed `tenant/asset`, each sensor's readings stay in order on one partition, and
 * rate and dedup decisions depend only on that order and on event times, so the expected outcome of every input
 * is known in advance (given that the service processes the stream within the skew window of `nowMs`).
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { SensorReadingSchema, VectorValueSchema } from "@twinstate/proto";
import type { ReasonCode } from "../src/validation/index.ts";

/** The outcome an input must get (`ANY_REJECTION` for random bytes, which may even decode). */
export type ExpectedOutcome = "VALID" | "ANY_REJECTION" | ReasonCode;

/** One raw input. */
export interface MixedInput {
  /** Kafka key (`tenant/asset`, or a random one for garbage). */
  readonly key: string;
  readonly value: Uint8Array;
  readonly expected: ExpectedOutcome;
}

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface SensorSpec {
  readonly tenant: string;
  readonly sensor: string;
  readonly unit: string;
  readonly value: (r: () => number) => number | number[];
  /** Event-time spacing that stays within the contract's rate. */
  readonly spacingMs: number;
}

const SENSORS: readonly SensorSpec[] = [
  { tenant: "acme", sensor: "outlet_temp", unit: "Cel", value: (r) => 40 + r() * 30, spacingMs: 150 },
  { tenant: "acme", sensor: "inlet_temp", unit: "[degF]", value: (r) => 60 + r() * 40, spacingMs: 150 },
  { tenant: "acme", sensor: "bearing_temp", unit: "K", value: (r) => 300 + r() * 20, spacingMs: 150 },
  { tenant: "acme", sensor: "inlet_pressure", unit: "kPa", value: (r) => 100 + r() * 200, spacingMs: 150 },
  { tenant: "acme", sensor: "outlet_pressure", unit: "[psi]", value: (r) => 50 + r() * 100, spacingMs: 150 },
  { tenant: "acme", sensor: "motor_current", unit: "mA", value: (r) => 10_000 + r() * 50_000, spacingMs: 150 },
  { tenant: "acme", sensor: "flow", unit: "L/min", value: (r) => 100 + r() * 900, spacingMs: 150 },
  {
    tenant: "acme",
    sensor: "bearing_accel",
    unit: "m/s2",
    value: (r) => [r() * 2 - 1, r() * 2 - 1, 9.8 + r()],
    spacingMs: 20,
  },
  { tenant: "volta", sensor: "cell_voltage", unit: "mV", value: (r) => 3600 + r() * 400, spacingMs: 80 },
  { tenant: "volta", sensor: "cell_temp", unit: "Cel", value: (r) => 20 + r() * 15, spacingMs: 80 },
  { tenant: "volta", sensor: "soc", unit: "%", value: (r) => r() * 100, spacingMs: 80 },
  { tenant: "volta", sensor: "pack_current", unit: "A", value: (r) => r() * 200 - 100, spacingMs: 80 },
  { tenant: "gamma", sensor: "ambient_temp", unit: "[degF]", value: (r) => 50 + r() * 30, spacingMs: 1100 },
  { tenant: "gamma", sensor: "wind_speed", unit: "km/h", value: (r) => r() * 60, spacingMs: 1100 },
];

/** Options of {@link mixedStream}. */
export interface MixedStreamOptions {
  readonly count: number;
  /** The ingestion clock around which event times are placed (the service must run near it). */
  readonly nowMs: number;
  readonly seed?: number;
  /** Assets per tenant. */
  readonly assets?: number;
}

/**
 * Generates `count` inputs: about 78% valid, the rest random bytes, truncated protobuf, NaN/Inf, wrong and
 * unknown units, skewed timestamps, exact duplicates, over-rate bursts, oversized payloads, missing fields,
 * unknown sensors and tenants, out-of-range values and wrong vector shapes.
 */
export function mixedStream(options: MixedStreamOptions): MixedInput[] {
  const r = prng(options.seed ?? 42);
  const assets = options.assets ?? 40;
  const out: MixedInput[] = [];
  // per tenant/asset/sensor: the next event time (spaced within the contract's rate)
  const nextTime = new Map<string, number>();
  const start = options.nowMs - 600_000;
  let seq = 0;
  const validSent: MixedInput[] = [];

  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const encode = (init: Parameters<typeof create<typeof SensorReadingSchema>>[1]) =>
    toBinary(SensorReadingSchema, create(SensorReadingSchema, init));
  const toValue = (v: number | number[]) =>
    Array.isArray(v)
      ? { case: "vector" as const, value: create(VectorValueSchema, { components: v }) }
      : { case: "scalar" as const, value: v };
  const validReading = (spec: SensorSpec, asset: string, overrides: Record<string, unknown> = {}) => {
    const k = `${spec.tenant}/${asset}/${spec.sensor}`;
    const t = nextTime.get(k) ?? start + Math.floor(r() * 1000);
    nextTime.set(k, t + spec.spacingMs);
    return {
      tenant: spec.tenant,
      asset,
      sensor: spec.sensor,
      eventTime: timestampFromMs(t),
      value: toValue(spec.value(r)),
      unit: spec.unit,
      idempotencyKey: `id-${seq++}`,
      attributes: { gw: `gw-${asset}` },
      ...overrides,
    };
  };

  while (out.length < options.count) {
    const spec = pick(SENSORS);
    const asset = `${spec.tenant === "gamma" ? "station" : spec.tenant === "volta" ? "pack" : "pump"}-${Math.floor(r() * assets)}`;
    const key = `${spec.tenant}/${asset}`;
    const roll = r();
    const push = (value: Uint8Array, expected: ExpectedOutcome, k = key) => out.push({ key: k, value, expected });
    if (roll < 0.78) {
      const input: MixedInput = { key, value: encode(validReading(spec, asset)), expected: "VALID" };
      out.push(input);
      validSent.push(input);
    } else if (roll < 0.8) {
      const n = 1 + Math.floor(r() * 60);
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i++) bytes[i] = Math.floor(r() * 256);
      // a few random byte strings happen to be decodable; label by what the service must answer for them
      push(bytes, "ANY_REJECTION", `garbage-${seq++}`);
    } else if (roll < 0.82) {
      const full = encode(validReading(spec, asset));
      // cut inside the event_time or value field: always a premature end of a length-delimited field
      push(
        full.subarray(0, Math.max(1, spec.tenant.length + asset.length + spec.sensor.length + 8)),
        "MALFORMED_PROTOBUF",
      );
    } else if (roll < 0.84) {
      const bad = pick([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
      push(
        encode(validReading(spec, asset, { value: toValue(Array.isArray(spec.value(r)) ? [0, bad, 0] : bad) })),
        "NON_FINITE",
      );
    } else if (roll < 0.86) {
      push(encode(validReading(spec, asset, { unit: spec.sensor.includes("temp") ? "kPa" : "K" })), "UNIT_MISMATCH");
    } else if (roll < 0.875) {
      push(
        encode(validReading(spec, asset, { unit: pick(["furlong/fortnight", "degrees", "MA", "psig"]) })),
        "UNIT_UNKNOWN",
      );
    } else if (roll < 0.895) {
      const skew = pick([3_600_000, -30 * 86_400_000]);
      push(encode(validReading(spec, asset, { eventTime: timestampFromMs(options.nowMs + skew) })), "TIMESTAMP_SKEW");
    } else if (roll < 0.925 && validSent.length > 0) {
      const original = validSent[Math.floor(r() * validSent.length)]!;
      push(original.value, "DUPLICATE", original.key);
    } else if (roll < 0.94) {
      // a burst on a dedicated sensor: 1 ms apart, far above every rate; the bucket's burst passes, the rest not
      const burstAsset = `burst-${seq}`;
      const bspec = SENSORS.find((s) => s.tenant === spec.tenant)!;
      const burst = bspec.tenant === "acme" ? 20 : bspec.tenant === "volta" ? 40 : 5;
      const t0 = options.nowMs - 30_000;
      for (let i = 0; i < burst + 10; i++) {
        const value = encode({
          ...validReading(bspec, burstAsset),
          eventTime: timestampFromMs(t0 + i),
        });
        push(value, i < burst ? "VALID" : "RATE_LIMITED", `${bspec.tenant}/${burstAsset}`);
      }
    } else if (roll < 0.95) {
      push(encode(validReading(spec, asset, { attributes: { blob: "x".repeat(1500) } })), "TOO_LARGE");
    } else if (roll < 0.96) {
      push(encode(validReading(spec, asset, { eventTime: undefined })), "MISSING_FIELD");
    } else if (roll < 0.97) {
      // gamma has no contract of its own (only the every-tenant one): its unknown sensor has no contract at all
      const expected = spec.tenant === "gamma" ? "CONTRACT_MISSING" : "UNKNOWN_SENSOR";
      push(encode(validReading(spec, asset, { sensor: "mystery_sensor" })), expected);
    } else if (roll < 0.98) {
      // a tenant without contracts: CONTRACT_MISSING, unless the every-tenant contract declares the sensor
      const shared = spec.tenant === "gamma";
      push(
        encode(validReading(spec, asset, { tenant: "nobody" })),
        shared ? "VALID" : "CONTRACT_MISSING",
        `nobody/${asset}`,
      );
    } else if (roll < 0.99) {
      const huge = Array.isArray(spec.value(r)) ? [0, 1e6, 0] : 1e12;
      push(
        encode(
          validReading(spec, asset, { value: toValue(huge), unit: spec.sensor.includes("temp") ? "K" : spec.unit }),
        ),
        "OUT_OF_RANGE",
      );
    } else {
      const shape = Array.isArray(spec.value(r)) ? toValue(1) : toValue([1, 2]);
      push(encode(validReading(spec, asset, { value: shape })), "SHAPE_MISMATCH");
    }
  }
  out.length = options.count;
  return out;
}
