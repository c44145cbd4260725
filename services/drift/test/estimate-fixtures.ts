import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { EstimateStatus, type StateEstimate, StateEstimateSchema } from "@twinstate/proto";

/** Small seeded PRNG (mulberry32) with Box–Muller normals, for reproducible estimate streams. */
export class TestRandom {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  uniform(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  }
  normal(): number {
    return Math.sqrt(-2 * Math.log(this.uniform())) * Math.cos(2 * Math.PI * this.uniform());
  }
}

/** Options of {@link estimateStream}. */
export interface StreamOptions {
  readonly tenant?: string;
  readonly asset: string;
  readonly sensor?: string;
  readonly readings: number;
  readonly seed: number;
  /** Sensor bias (in sensor σ) added from reading `biasFrom` on; 0 = clean. */
  readonly bias?: number;
  readonly biasFrom?: number;
  readonly startMs?: number;
  readonly twinClassId?: string;
  readonly twinClassVersion?: number;
}

/**
 * The estimates a scalar random-walk Kalman filter (Q = 1e−3, R = 1, reading every second) publishes for one
 * asset's temperature-like sensor, as assimilation would: innovation y, S (packed), nis, sequence from 1,
 * event time — with an optional sensor bias injected from some reading on.
 */
export function estimateStream(o: StreamOptions): StateEstimate[] {
  const rng = new TestRandom(o.seed);
  const Q = 1e-3;
  const R = 1;
  let x = 20;
  let xhat = 20;
  let P = 0.03;
  const out: StateEstimate[] = [];
  const start = o.startMs ?? Date.UTC(2026, 10, 27, 12);
  for (let i = 0; i < o.readings; i++) {
    x += Math.sqrt(Q) * rng.normal();
    const z = x + rng.normal() * Math.sqrt(R) + (o.bias !== undefined && i >= (o.biasFrom ?? 0) ? o.bias : 0);
    const Pm = P + Q;
    const y = z - xhat;
    const S = Pm + R;
    const K = Pm / S;
    xhat += K * y;
    P = (1 - K) * Pm;
    out.push(
      create(StateEstimateSchema, {
        tenant: o.tenant ?? "acme",
        asset: o.asset,
        twinClassId: o.twinClassId ?? "thermal-rc",
        twinClassVersion: o.twinClassVersion ?? 1,
        eventTime: timestampFromMs(start + i * 1000),
        variableNames: ["T"],
        mean: [xhat],
        covariance: [P],
        stdDev: [Math.sqrt(P)],
        innovation: { sensor: o.sensor ?? "T_outlet", residual: [y], covariance: [S], nis: (y * y) / S },
        status: EstimateStatus.OK,
        sequence: BigInt(i + 1),
      }),
    );
  }
  return out;
}
