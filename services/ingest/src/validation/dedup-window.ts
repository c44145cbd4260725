import type { StateJournal } from "./state-journal.ts";

/**
 * Remembers accepted idempotency keys for `windowMs` of the ingestion clock, at most `maxKeys` of them.
 *
 * Why a Map in insertion order: re-inserting a key moves it to the end, so the first entries are the oldest;
 * eviction pops from the front in O(1) amortized, which bounds memory to `maxKeys` whatever the input. The
 * clock is passed in (never read here), so the same input and clock give the same verdicts.
 */
export class DedupWindow {
  windowMs: number;
  maxKeys: number;
  readonly #expiry = new Map<string, number>();

  constructor(windowMs: number, maxKeys: number) {
    this.windowMs = windowMs;
    this.maxKeys = maxKeys;
  }

  /** True when `key` was accepted less than `windowMs` before `nowMs`. */
  has(key: string, nowMs: number): boolean {
    const e = this.#expiry.get(key);
    return e !== undefined && e > nowMs;
  }

  /** Records `key` as accepted at `nowMs`, evicting expired and excess keys. */
  add(key: string, nowMs: number, journal?: StateJournal): void {
    const prev = this.#expiry.get(key);
    if (prev !== undefined) this.#expiry.delete(key);
    this.#expiry.set(key, nowMs + this.windowMs);
    journal?.record(() => {
      if (prev === undefined) this.#expiry.delete(key);
      else this.#expiry.set(key, prev);
    });
    this.#evict(nowMs);
  }

  /** Keys currently held (expired ones may linger until the next add). */
  get size(): number {
    return this.#expiry.size;
  }

  #evict(nowMs: number): void {
    for (const [k, e] of this.#expiry) {
      if (e > nowMs && this.#expiry.size <= this.maxKeys) break;
      this.#expiry.delete(k);
    }
  }
}
