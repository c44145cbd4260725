import { wrapAngle, Xoshiro128 } from "@twinstate/estimation";
import { type ActiveFault, FaultInjector } from "../faults/fault-injector.ts";
import type { ClassProfile } from "./class-profile.ts";
import type { SimulatedReading } from "./simulated-reading.ts";
import { TruthProcess } from "./truth-process.ts";

/** What an asset simulator saves so a restarted demo continues the same truth (`make down` / `make up`). */
export interface AssetSnapshot {
  readonly x: number[];
  readonly u: number[];
  readonly lastMs: number;
}

/** Options of {@link AssetSimulator}. */
export interface AssetSimulatorOptions {
  readonly profile: ClassProfile;
  /** Asset name within the tenant. */
  readonly asset: string;
  /** Seed of this asset's random stream (truth noise, sensor noise, faults). */
  readonly seed: number;
  readonly startMs: number;
  readonly faultIntervalS: number;
  readonly firstFaultWithinS: number;
}

/** Input readings are re-sent every this many ticks even when unchanged (a sensor's heartbeat). */
const INPUT_REFRESH_TICKS = 20;
/** Longest single integration step of the truth, seconds. */
const MAX_STEP_S = 0.5;
/** Longest stretch of time the truth is integrated over after a pause (beyond it, time jumps), seconds. */
const MAX_CATCH_UP_S = 3600;

/**
 * One simulated asset: its true state advanced in wall-clock time by the class's built-in model, its primary
 * sensor read once per tick as h(x, u) + noise (then through the fault injector), and its input sensor read
 * when the input changes (and every 20 ticks).
 *
 * Why the input reading is stamped 1 ms before the measurement: the twin applies inputs in event-time order,
 * so a measurement taken under a new input must come after the reading that set it.
 */
export class AssetSimulator {
  readonly profile: ClassProfile;
  readonly tenant: string;
  readonly asset: string;
  /** The true initial state (what the asset's binding declares as the twin's initial mean). */
  readonly initialState: readonly number[];
  readonly #rng: Xoshiro128;
  readonly #truth: TruthProcess;
  readonly #faults: FaultInjector;
  readonly #z: Float64Array;
  #lastMs: number;
  #ticks = 0;

  constructor(options: AssetSimulatorOptions) {
    this.profile = options.profile;
    this.tenant = options.profile.tenant;
    this.asset = options.asset;
    this.#rng = new Xoshiro128(options.seed);
    this.initialState = options.profile.initialState(this.#rng);
    this.#truth = new TruthProcess(options.profile.transition, this.initialState);
    this.#faults = new FaultInjector(
      {
        noiseStd: options.profile.noiseStd,
        meanIntervalS: options.faultIntervalS,
        firstWithinS: options.firstFaultWithinS,
        startMs: options.startMs,
        ...(options.profile.faults === undefined ? {} : { kinds: options.profile.faults }),
      },
      this.#rng,
    );
    this.#z = new Float64Array(options.profile.measurement.dimZ);
    this.#lastMs = options.startMs;
  }

  /** `tenant/asset`, the Kafka key of its readings. */
  get key(): string {
    return `${this.tenant}/${this.asset}`;
  }

  /** The asset's random stream (shared with the fleet's nuisances for this asset). */
  get rng(): Xoshiro128 {
    return this.#rng;
  }

  /** The true state now (copy). */
  get truth(): number[] {
    return [...this.#truth.x];
  }

  /** The fault in force, if any. */
  get fault(): ActiveFault | undefined {
    return this.#faults.active;
  }

  /** Advances the truth to `nowMs` and returns the readings its sensors take at that instant. */
  tick(nowMs: number): SimulatedReading[] {
    const p = this.profile;
    // Sub-steps of at most MAX_STEP_S with the control applied at each: a long gap (a tick overrun, or the
    // demo stopped for minutes) must neither integrate stiff dynamics in one step nor hold an input past
    // the point where the controller would have switched it (a cell discharged below 0).
    let remaining = Math.min(Math.max(0, (nowMs - this.#lastMs) / 1000), MAX_CATCH_UP_S);
    let changed = false;
    while (remaining > 0) {
      const h = Math.min(remaining, MAX_STEP_S);
      if (p.control?.(this.#truth.x, this.#truth.u, this.#rng, h) === true) changed = true;
      this.#truth.step(h, this.#rng);
      remaining -= h;
    }
    if (this.#ticks === 0 && p.control?.(this.#truth.x, this.#truth.u, this.#rng, 0) === true) changed = true;
    this.#lastMs = Math.max(this.#lastMs, nowMs);
    const readings: SimulatedReading[] = [];
    if (p.input !== undefined) {
      if (changed || this.#ticks % INPUT_REFRESH_TICKS === 0) {
        readings.push({
          sensor: p.input.sensor,
          value: this.#truth.u[p.input.index]!,
          unit: p.input.unit,
          eventTimeMs: nowMs - 1,
          primary: false,
        });
      }
    }
    p.measurement.h(this.#truth.x, this.#truth.u, this.#z);
    const noisy = Array.from(this.#z, (v) => v + p.noiseStd * this.#rng.nextNormal());
    if (p.angular === true) for (let i = 0; i < noisy.length; i++) noisy[i] = wrapAngle(noisy[i]!);
    const measured = this.#faults.apply(noisy, nowMs, this.#rng);
    readings.push({
      sensor: p.sensor,
      value: measured.length === 1 ? measured[0]! : measured,
      unit: p.unit,
      eventTimeMs: nowMs,
      primary: true,
    });
    this.#ticks++;
    return readings;
  }

  /** The state to resume from. */
  snapshot(): AssetSnapshot {
    return { x: [...this.#truth.x], u: [...this.#truth.u], lastMs: this.#lastMs };
  }

  /** Continues from a snapshot (the truth then evolves over the time the demo was stopped). */
  restore(snapshot: AssetSnapshot): void {
    if (snapshot.x.length !== this.#truth.x.length || snapshot.u.length !== this.#truth.u.length) return;
    if (!snapshot.x.every(Number.isFinite) || !snapshot.u.every(Number.isFinite)) return;
    this.#truth.x.set(snapshot.x);
    this.#truth.u.set(snapshot.u);
    this.#lastMs = snapshot.lastMs;
  }
}
