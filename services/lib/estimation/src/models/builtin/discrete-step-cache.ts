/**
 * Remembers the state f(x, dt, u) computed alongside the Jacobian, so the f(x, dt, u) call that an EKF
 * makes right after `jacobian(x, dt, u)` (same arguments) is a copy instead of a second integration.
 *
 * Why: for integrated models (RK4 substeps) the trajectory is most of the cost, and the chain-rule
 * Jacobian computes it anyway. The match is on values (x, dt, u compared element-wise), never on buffer
 * identity, so a caller that reuses or mutates its buffers always gets a fresh result.
 */
export class DiscreteStepCache {
  /** f(x, dt, u) for the remembered arguments (write it during the Jacobian step). */
  readonly out: Float64Array;
  readonly #x: Float64Array;
  readonly #u: Float64Array;
  #dt = Number.NaN;
  #valid = false;

  constructor(dimX: number, dimU: number) {
    this.out = new Float64Array(dimX);
    this.#x = new Float64Array(dimX);
    this.#u = new Float64Array(dimU);
  }

  /** Record the arguments whose result is now in `out`. */
  remember(x: Float64Array, dt: number, u: Float64Array): void {
    this.#x.set(x);
    for (let j = 0; j < this.#u.length; j++) this.#u[j] = j < u.length ? u[j] : 0;
    this.#dt = dt;
    this.#valid = true;
  }

  /** Copy the remembered f into `target` when (x, dt, u) equal the remembered arguments; true on a hit. */
  tryCopy(x: Float64Array, dt: number, u: Float64Array, target: Float64Array): boolean {
    if (!this.#valid || dt !== this.#dt) return false;
    const cx = this.#x;
    for (let i = 0; i < cx.length; i++) if (x[i] !== cx[i]) return false;
    const cu = this.#u;
    for (let j = 0; j < cu.length; j++) if ((j < u.length ? u[j] : 0) !== cu[j]) return false;
    target.set(this.out);
    return true;
  }
}
