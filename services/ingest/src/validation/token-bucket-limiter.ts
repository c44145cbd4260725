import type { StateJournal } from "./state-journal.ts";

interface Bucket {
  tokens: number;
  lastMs: number;
}

/**
 * Per-key token buckets refilled by EVENT time: `tokens ← min(burst, tokens + Δt · perSecond / 1000)`, one
 * token per accepted reading.
 *
 * Why event time: the limit is on the sensor's own rate (readings per second of measurement time), so a
 * backlog replayed late is not throttled while a sensor that really emits too fast is, and the verdicts are a
 * pure function of input order and event times (reproducible tests, identical replays). Event time going
 * backwards refills nothing. At most `maxKeys` buckets are kept, least recently used evicted first (an evicted
 * key starts again with a full bucket).
 */
export class TokenBucketLimiter {
  maxKeys: number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(maxKeys: number) {
    this.maxKeys = maxKeys;
  }

  /** Takes one token for `key` at `eventMs`; false when the bucket is empty (rate exceeded). */
  tryTake(key: string, eventMs: number, perSecond: number, burst: number, journal?: StateJournal): boolean {
    let b = this.#buckets.get(key);
    if (b === undefined) {
      b = { tokens: burst, lastMs: eventMs };
      const created = b;
      journal?.record(() => {
        if (this.#buckets.get(key) === created) this.#buckets.delete(key);
      });
    } else {
      const bucket = b;
      const { tokens, lastMs } = bucket;
      journal?.record(() => {
        bucket.tokens = tokens;
        bucket.lastMs = lastMs;
        if (!this.#buckets.has(key)) this.#buckets.set(key, bucket);
      });
      this.#buckets.delete(key);
      if (eventMs > lastMs) {
        b.tokens = Math.min(burst, tokens + ((eventMs - lastMs) * perSecond) / 1000);
        b.lastMs = eventMs;
      } else if (b.tokens > burst) {
        b.tokens = burst;
      }
    }
    this.#buckets.set(key, b);
    if (this.#buckets.size > this.maxKeys) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest !== undefined) this.#buckets.delete(oldest);
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Buckets currently held. */
  get size(): number {
    return this.#buckets.size;
  }
}
