import type { CompiledSensorType } from "../contracts/index.ts";
import { DedupWindow } from "./dedup-window.ts";
import { TokenBucketLimiter } from "./token-bucket-limiter.ts";

/** The deduplication window and rate limiter of one sensor type (contract id + type name). */
export interface SensorTypeState {
  readonly dedup: DedupWindow;
  readonly limiter: TokenBucketLimiter;
}

/**
 * The mutable state of validation — dedup windows and rate buckets — per sensor type, outliving contract
 * versions (a new version of a contract keeps its types' state and applies its new limits to it).
 *
 * Why separate from the validator: the state is what makes validation order-dependent; keeping it in one
 * object makes it explicit what a test must reset and what a crash loses (it is in memory only: after a
 * restart, keys accepted before the crash are forgotten).
 */
export class ValidationState {
  readonly #byType = new Map<string, SensorTypeState>();
  readonly #maxRateKeys: number;

  /** @param maxRateKeys most rate buckets (tenant/asset/sensor) kept per sensor type */
  constructor(maxRateKeys = 100_000) {
    this.#maxRateKeys = maxRateKeys;
  }

  /** The state of a sensor type, created on first use; limits follow the type's current contract version. */
  for(type: CompiledSensorType): SensorTypeState {
    let s = this.#byType.get(type.stateKey);
    if (s === undefined) {
      s = {
        dedup: new DedupWindow(type.dedup.windowMs, type.dedup.maxKeys),
        limiter: new TokenBucketLimiter(this.#maxRateKeys),
      };
      this.#byType.set(type.stateKey, s);
    } else if (s.dedup.windowMs !== type.dedup.windowMs || s.dedup.maxKeys !== type.dedup.maxKeys) {
      s.dedup.windowMs = type.dedup.windowMs;
      s.dedup.maxKeys = type.dedup.maxKeys;
    }
    return s;
  }
}
