import { DetectorStateFormatError } from "../errors/detector-state-format-error.ts";
import type { StateReader } from "./state-reader.ts";
import type { StateWriter } from "./state-writer.ts";

/**
 * Fixed-capacity ring of float64 values, oldest overwritten first: the sliding window of the windowed
 * detectors (NIS sum, stuck-sensor variance).
 *
 * Why a class: the window must serialize exactly (only the live values, oldest first) and sum the same
 * way before and after a restore, so sums are always recomputed oldest-to-newest rather than kept as a
 * running total whose rounding would depend on history.
 */
export class FloatRing {
  readonly capacity: number;
  private readonly values: Float64Array;
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.values = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  push(value: number): void {
    this.values[(this.head + this.count) % this.capacity] = value;
    if (this.count < this.capacity) this.count++;
    else this.head = (this.head + 1) % this.capacity;
  }

  /** i-th value, oldest first. */
  at(i: number): number {
    return this.values[(this.head + i) % this.capacity]!;
  }

  /** Σ values, summed oldest to newest. */
  sum(): number {
    let s = 0;
    for (let i = 0; i < this.count; i++) s += this.at(i);
    return s;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
    this.values.fill(0);
  }

  /** Writes the live values, oldest first. */
  write(w: StateWriter): void {
    const live = new Float64Array(this.count);
    for (let i = 0; i < this.count; i++) live[i] = this.at(i);
    w.f64s(live);
  }

  /** Refills from `write`'s output. */
  read(r: StateReader): void {
    const live = r.f64s();
    if (live.length > this.capacity) {
      throw new DetectorStateFormatError("window longer than its capacity", {
        length: live.length,
        capacity: this.capacity,
      });
    }
    this.clear();
    for (const v of live) this.push(v);
  }
}
