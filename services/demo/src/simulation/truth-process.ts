import { choleskySemidefinite, type TransitionModel, type Xoshiro128 } from "@twinstate/estimation";

/**
 * The true state of one simulated asset, advanced by a built-in transition model of `@twinstate/estimation`:
 * x(t+dt) = f(x(t), dt, u) + w,  w ~ N(0, Q(dt)), sampled as w = L·n with L Lᵀ = Q(dt) and n ~ N(0, I).
 *
 * Why the library's own models: the twins then track a process that really behaves like their model (plus
 * the faults the demo injects on purpose), so a drift event in the demo means an injected fault, not a
 * mismatch between two hand-written physics.
 */
export class TruthProcess {
  /** The transition model (physics) of the truth. */
  readonly model: TransitionModel;
  /** True state x, in the model's state order. */
  readonly x: Float64Array;
  /** Control input u held since it was last set (length dimU). */
  readonly u: Float64Array;
  readonly #next: Float64Array;
  readonly #q: Float64Array;
  readonly #l: Float64Array;

  constructor(model: TransitionModel, x0: readonly number[]) {
    if (x0.length !== model.dimX) {
      throw new RangeError(`initial state has ${x0.length} values, ${model.name} has ${model.dimX} states`);
    }
    this.model = model;
    this.x = Float64Array.from(x0);
    this.u = new Float64Array(model.dimU);
    this.#next = new Float64Array(model.dimX);
    this.#q = new Float64Array(model.dimX * model.dimX);
    this.#l = new Float64Array(model.dimX * model.dimX);
  }

  /** Advances the truth by `dt` seconds (dt ≤ 0 does nothing): x ← f(x, dt, u) + L·n. */
  step(dt: number, rng: Xoshiro128): void {
    if (!(dt > 0)) return;
    const n = this.model.dimX;
    this.model.f(this.x, dt, this.u, this.#next);
    this.model.Q(dt, this.#q);
    if (!choleskySemidefinite(this.#q, this.#l, n)) this.#l.fill(0);
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) z[i] = rng.nextNormal();
    for (let i = 0; i < n; i++) {
      let w = 0;
      for (let j = 0; j <= i; j++) w += this.#l[i * n + j]! * z[j]!;
      this.x[i] = this.#next[i]! + w;
    }
  }
}
