import type { FaultModel } from "./fault-scenario.ts";
import { RandomWalkKalmanFilter } from "./random-walk-kalman-filter.ts";
import type { SeededRandom } from "./seeded-random.ts";

/** The simulated twins of the evaluation. */
export type EvalTwinName = "random_walk" | "constant_velocity" | "first_order_thermal";

/** Every simulated twin, in report order. */
export const EVAL_TWINS: readonly EvalTwinName[] = ["random_walk", "constant_velocity", "first_order_thermal"];

/** What the filter made of one reading: the innovation quantities the drift suite consumes. */
export interface AssimilatedReading {
  /** The reading z as the (possibly faulty) sensor reported it. */
  readonly z: number;
  /** Innovation y = z − ẑ⁻. */
  readonly y: number;
  /** Innovation variance S. */
  readonly S: number;
}

/**
 * One run of a simulated twin: the world (the true state, evolving with process noise, possibly changed by a
 * process-change fault), one scalar sensor reading it (possibly faulty), and the twin's filter assimilating
 * the readings — exactly what the drift service sees per estimate.
 */
export interface TwinStream {
  /** Sensor noise standard deviation σ (faults are sized in it). */
  readonly sigma: number;
  /**
   * Advances the world and the filter by one reading. `fault` is the scenario's fault model from onset on
   * (k counts readings since onset), undefined before.
   */
  step(fault: FaultModel | undefined, k: number): AssimilatedReading;
}

/** The scalar random-walk twin (the library's original evaluation twin). Q, R per reading; level in σ. */
export class RandomWalkTwinStream implements TwinStream {
  readonly sigma: number;
  readonly #rng: SeededRandom;
  readonly #sigmaW: number;
  readonly #kf: RandomWalkKalmanFilter;
  #x: number;
  #last: number;

  constructor(rng: SeededRandom, twin: { Q: number; R: number; level: number }) {
    this.#rng = rng;
    this.sigma = Math.sqrt(twin.R);
    this.#sigmaW = Math.sqrt(twin.Q);
    const P0 = RandomWalkKalmanFilter.steadyStatePrior(twin.Q, twin.R) - twin.Q;
    this.#x = twin.level;
    this.#kf = new RandomWalkKalmanFilter(twin.Q, twin.R, twin.level + Math.sqrt(P0) * rng.normal(), P0);
    this.#last = twin.level;
  }

  step(fault: FaultModel | undefined, k: number): AssimilatedReading {
    this.#x += this.#sigmaW * (fault?.processNoiseFactor ?? 1) * this.#rng.normal();
    const v = this.sigma * this.#rng.normal();
    const z = fault === undefined ? this.#x + v : fault.reading(this.#x, v, k, this.#last);
    this.#last = z;
    const { y, S } = this.#kf.step(z);
    return { z, y, S };
  }
}
