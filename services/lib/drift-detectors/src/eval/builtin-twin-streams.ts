import { ConstantVelocity, DirectMeasurement, FirstOrderThermal, KalmanFilter } from "./estimation-models.ts";
import type { FaultModel } from "./fault-scenario.ts";
import type { SeededRandom } from "./seeded-random.ts";
import type { AssimilatedReading, TwinStream } from "./twin-stream.ts";

/** Parameters of the constant-velocity evaluation twin (1-D, position sensor, one reading per second). */
export const CONSTANT_VELOCITY_TWIN = {
  /** White-noise acceleration variance q, (m/s²)². */
  q: 1e-3,
  /** Position sensor noise σ, m. */
  sigma: 1,
  /** Initial position (m) and velocity (m/s). */
  x0: [50, 0.1],
} as const;

/**
 * Constant-velocity twin: the estimation library's `ConstantVelocity` (1-D, state [x, vx]) and a
 * `DirectMeasurement` of position in its `KalmanFilter`; the world evolves with the same model,
 * x_k = F x_{k−1} + w, w ~ N(0, Q(1)), Q(1) = q·[[¼, ½], [½, 1]] (rank one: w = √q·a·[½, 1], a ~ N(0, 1)).
 * Process change: the world's acceleration σ ×5 (the object manoeuvres more than the model says).
 */
export class ConstantVelocityTwinStream implements TwinStream {
  readonly sigma = CONSTANT_VELOCITY_TWIN.sigma;
  readonly #rng: SeededRandom;
  readonly #kf: KalmanFilter;
  readonly #x = new Float64Array(2);
  readonly #z = new Float64Array(1);
  #t = 0;
  #last = 0;

  constructor(rng: SeededRandom) {
    this.#rng = rng;
    const p = CONSTANT_VELOCITY_TWIN;
    const transition = new ConstantVelocity({ dimensions: 1, q: p.q });
    const sensor = new DirectMeasurement({ stateNames: transition.stateNames, measured: ["x"], noiseStd: p.sigma });
    this.#x.set(p.x0);
    // the filter starts near its steady state: position within σ, velocity within 0.1 m/s
    const P0 = Float64Array.from([p.sigma ** 2, 0, 0, 0.01]);
    const x0 = Float64Array.from([p.x0[0] + p.sigma * rng.normal(), p.x0[1] + 0.1 * rng.normal()]);
    this.#kf = new KalmanFilter({ transition, sensors: { position: { model: sensor } }, x0, P0, t0: 0 });
    this.#last = p.x0[0];
  }

  step(fault: FaultModel | undefined, k: number): AssimilatedReading {
    const a = Math.sqrt(CONSTANT_VELOCITY_TWIN.q) * (fault?.processNoiseFactor ?? 1) * this.#rng.normal();
    const x = this.#x;
    x[0] = x[0]! + x[1]! + 0.5 * a;
    x[1] = x[1]! + a;
    const v = this.sigma * this.#rng.normal();
    const z = fault === undefined ? x[0] + v : fault.reading(x[0], v, k, this.#last);
    this.#last = z;
    this.#t += 1;
    this.#kf.predict(this.#t);
    this.#z[0] = z;
    const r = this.#kf.update("position", this.#z);
    return { z, y: r.y![0]!, S: r.S![0]! };
  }
}

/** Parameters of the first-order thermal evaluation twin (one temperature reading per second). */
export const FIRST_ORDER_THERMAL_TWIN = {
  /** Thermal resistance R (K/W) and capacitance C (J/K): τ = R·C = 100 s. */
  R: 0.5,
  C: 200,
  /** Ambient temperature, °C. */
  ambient: 20,
  /** Process noise spectral density q, K²/s (Q(1 s) ≈ 0.005 K²). */
  q: 0.005,
  /** Temperature sensor noise σ, K. */
  sigma: 0.5,
  /** Heat input: `power` W for `period` s, then 0 W for `period` s, repeating (T swings ~20 → ~60 °C). */
  power: 80,
  period: 600,
  /** Process change: the ambient temperature steps by this much (K) in the world, not in the model. */
  ambientStep: 2,
} as const;

/**
 * First-order thermal twin: the estimation library's `FirstOrderThermal` (state [T], known heat input P
 * switching on and off) and a `DirectMeasurement` of T in its `KalmanFilter`; the world evolves with the same
 * exact discretization, T_k = a·T_{k−1} + (1 − a)(T_amb + R·P) + w, w ~ N(0, Q(1)).
 * Process change: the world's ambient temperature steps by +2 K while the model keeps the old one (a real
 * model mismatch that process noise partly absorbs).
 */
export class FirstOrderThermalTwinStream implements TwinStream {
  readonly sigma = FIRST_ORDER_THERMAL_TWIN.sigma;
  readonly #rng: SeededRandom;
  readonly #model: FirstOrderThermal;
  readonly #changed: FirstOrderThermal;
  readonly #kf: KalmanFilter;
  readonly #sigmaW: number;
  readonly #x = new Float64Array(1);
  readonly #next = new Float64Array(1);
  readonly #u = new Float64Array(1);
  readonly #z = new Float64Array(1);
  #t = 0;
  #last = 0;

  constructor(rng: SeededRandom) {
    this.#rng = rng;
    const p = FIRST_ORDER_THERMAL_TWIN;
    this.#model = new FirstOrderThermal({ R: p.R, C: p.C, ambient: p.ambient, q: p.q });
    this.#changed = this.#model.withParameters({ ambient: p.ambient + p.ambientStep });
    const sensor = new DirectMeasurement({ stateNames: ["T"], measured: ["T"], noiseStd: p.sigma });
    const Q = new Float64Array(1);
    this.#model.Q(1, Q);
    this.#sigmaW = Math.sqrt(Q[0]!);
    this.#x[0] = p.ambient;
    const x0 = Float64Array.from([p.ambient + p.sigma * rng.normal()]);
    this.#kf = new KalmanFilter({
      transition: this.#model,
      sensors: { temperature: { model: sensor } },
      x0,
      P0: Float64Array.from([p.sigma ** 2]),
      t0: 0,
    });
    this.#last = p.ambient;
  }

  step(fault: FaultModel | undefined, k: number): AssimilatedReading {
    const p = FIRST_ORDER_THERMAL_TWIN;
    // heat input over the step (t, t+1]: zero-order hold of the value at t
    this.#u[0] = Math.floor(this.#t / p.period) % 2 === 0 ? p.power : 0;
    const world = fault !== undefined && fault.processNoiseFactor !== 1 ? this.#changed : this.#model;
    world.f(this.#x, 1, this.#u, this.#next);
    this.#x[0] = this.#next[0]! + this.#sigmaW * this.#rng.normal();
    const v = this.sigma * this.#rng.normal();
    const T = this.#x[0]!;
    const z = fault === undefined ? T + v : fault.reading(T, v, k, this.#last);
    this.#last = z;
    this.#t += 1;
    this.#kf.predict(this.#t, this.#u);
    this.#z[0] = z;
    const r = this.#kf.update("temperature", this.#z);
    return { z, y: r.y![0]!, S: r.S![0]! };
  }
}
