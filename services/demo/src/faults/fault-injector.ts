import type { Xoshiro128 } from "@twinstate/estimation";
import { type FaultKind, FaultKinds } from "./fault-kind.ts";

/** Options of {@link FaultInjector}. */
export interface FaultInjectorOptions {
  /** Standard deviation of the sensor's own noise (a bias is a multiple of it). */
  readonly noiseStd: number;
  /** Mean time between the end of one fault and the start of the next, seconds (exponential). */
  readonly meanIntervalS: number;
  /** The first fault starts uniformly within this many seconds of `startMs` (0: after a normal interval). */
  readonly firstWithinS: number;
  /** Wall time the schedule starts at, epoch ms. */
  readonly startMs: number;
  /** The kinds to choose from (default: every kind). */
  readonly kinds?: readonly FaultKind[];
}

/** The fault in force (for logs and metrics). */
export interface ActiveFault {
  readonly kind: FaultKind;
  readonly untilMs: number;
}

/**
 * Schedules faults on one sensor and applies them to its measurements: bias steps of ±(6…10)·σ, a stuck
 * value (the last reading before the fault, repeated), noise bursts of 6× the sensor's σ. Each fault lasts
 * 15–40 s; the next starts an exponential time with mean `meanIntervalS` later.
 *
 * Why these sizes: large enough that the calibrated detectors (ARL₀ ~ 10⁵) fire within seconds, so a demo
 * viewer sees drift events and alerts follow every fault, and the alert resolves after the fault ends.
 */
export class FaultInjector {
  readonly #o: FaultInjectorOptions;
  #nextStartMs: number;
  #active: { kind: FaultKind; untilMs: number; bias: number; frozen: readonly number[] | undefined } | undefined;
  #last: readonly number[] | undefined;

  constructor(options: FaultInjectorOptions, rng: Xoshiro128) {
    this.#o = options;
    this.#nextStartMs =
      options.firstWithinS > 0
        ? options.startMs + rng.nextFloat() * options.firstWithinS * 1000
        : options.startMs + this.#interval(rng);
  }

  /** The fault in force at the last {@link apply}, if any. */
  get active(): ActiveFault | undefined {
    return this.#active === undefined ? undefined : { kind: this.#active.kind, untilMs: this.#active.untilMs };
  }

  /** Starts, continues or ends the scheduled fault at `nowMs` and returns the measurement as the faulty sensor reports it. */
  apply(z: readonly number[], nowMs: number, rng: Xoshiro128): number[] {
    if (this.#active !== undefined && nowMs >= this.#active.untilMs) {
      this.#active = undefined;
      this.#nextStartMs = nowMs + this.#interval(rng);
    }
    if (this.#active === undefined && nowMs >= this.#nextStartMs) {
      const kinds = this.#o.kinds ?? FaultKinds;
      const kind = kinds[Math.floor(rng.nextFloat() * kinds.length)]!;
      const sign = rng.nextFloat() < 0.5 ? -1 : 1;
      this.#active = {
        kind,
        untilMs: nowMs + (15 + rng.nextFloat() * 25) * 1000,
        bias: sign * (6 + rng.nextFloat() * 4) * this.#o.noiseStd,
        frozen: this.#last ?? z,
      };
    }
    let out: number[];
    const f = this.#active;
    if (f === undefined) out = [...z];
    else if (f.kind === "bias") out = z.map((v) => v + f.bias);
    else if (f.kind === "stuck") out = [...(f.frozen ?? z)];
    else out = z.map((v) => v + 6 * this.#o.noiseStd * rng.nextNormal());
    this.#last = out;
    return out;
  }

  #interval(rng: Xoshiro128): number {
    return -Math.log(1 - rng.nextFloat()) * this.#o.meanIntervalS * 1000;
  }
}
