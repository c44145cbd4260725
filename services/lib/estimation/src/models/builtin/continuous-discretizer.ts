/** Right-hand side of continuous dynamics: out = g(x, u) = dx/dt. */
export type ContinuousDynamics = (x: Float64Array, u: Float64Array, out: Float64Array) => void;
/** Jacobian of the continuous dynamics: out = ∂g/∂x (n×n, row-major). */
export type ContinuousJacobian = (x: Float64Array, u: Float64Array, out: Float64Array) => void;

/** Integration scheme for one substep of length h. */
export type DiscretizationMethod = "euler" | "rk4";

/**
 * Turns continuous dynamics dx/dt = g(x, u) into the discrete map x(t+dt) = f(x, dt, u) by a fixed number of
 * explicit Euler or classical Runge–Kutta (RK4) substeps of length h = dt / substeps, with u held constant
 * over the step (zero-order hold), and gives the EXACT Jacobian of that discrete map by the chain rule.
 *
 * Euler substep:  x⁺ = x + h·g(x);                 ∂x⁺/∂x = I + h·G(x)
 * RK4 substep:    k1 = g(x), k2 = g(x + h/2·k1), k3 = g(x + h/2·k2), k4 = g(x + h·k3),
 *                 x⁺ = x + h/6·(k1 + 2k2 + 2k3 + k4)
 *                 K1 = G(x), K2 = G(x + h/2·k1)·(I + h/2·K1), K3 = G(x + h/2·k2)·(I + h/2·K2),
 *                 K4 = G(x + h·k3)·(I + h·K3),     ∂x⁺/∂x = I + h/6·(K1 + 2K2 + 2K3 + K4)
 * over substeps:  F = Φ_m ··· Φ_2·Φ_1 (Φ_i the substep Jacobians).
 *
 * Why the derivative of the discrete map and not G·dt: an EKF linearizes the map it actually propagates; the
 * chain-rule Jacobian is exact for that map (a finite-difference check holds to rounding error). All scratch
 * is allocated here, so `step` and `stepWithJacobian` allocate nothing.
 */
export class ContinuousDiscretizer {
  readonly n: number;
  readonly method: DiscretizationMethod;
  readonly substeps: number;
  /** Longest substep in seconds: a long dt uses max(substeps, ⌈dt / maxStep⌉) substeps (default ∞). */
  readonly maxStep: number;
  readonly #g: ContinuousDynamics;
  readonly #G: ContinuousJacobian;
  readonly #x: Float64Array;
  readonly #xs: Float64Array;
  readonly #k1: Float64Array;
  readonly #k2: Float64Array;
  readonly #k3: Float64Array;
  readonly #k4: Float64Array;
  readonly #Gs: Float64Array;
  readonly #K1: Float64Array;
  readonly #K2: Float64Array;
  readonly #K3: Float64Array;
  readonly #K4: Float64Array;
  readonly #Phi: Float64Array;
  readonly #F: Float64Array;
  readonly #T: Float64Array;

  constructor(
    n: number,
    method: DiscretizationMethod,
    substeps: number,
    g: ContinuousDynamics,
    G: ContinuousJacobian,
    maxStep = Number.POSITIVE_INFINITY,
  ) {
    if (!Number.isInteger(substeps) || substeps < 1) {
      throw new RangeError(`substeps must be an integer ≥ 1, got ${substeps}`);
    }
    if (!(maxStep > 0)) throw new RangeError(`maxStep must be > 0, got ${maxStep}`);
    this.maxStep = maxStep;
    this.n = n;
    this.method = method;
    this.substeps = substeps;
    this.#g = g;
    this.#G = G;
    const v = () => new Float64Array(n);
    const m = () => new Float64Array(n * n);
    this.#x = v();
    this.#xs = v();
    this.#k1 = v();
    this.#k2 = v();
    this.#k3 = v();
    this.#k4 = v();
    this.#Gs = m();
    this.#K1 = m();
    this.#K2 = m();
    this.#K3 = m();
    this.#K4 = m();
    this.#Phi = m();
    this.#F = m();
    this.#T = m();
  }

  /** out = f(x, dt, u). */
  step(x: Float64Array, dt: number, u: Float64Array, out: Float64Array): void {
    this.#run(x, dt, u, out, null);
  }

  /** out = f(x, dt, u) and F = ∂f/∂x (either may be null to skip it). */
  stepWithJacobian(
    x: Float64Array,
    dt: number,
    u: Float64Array,
    out: Float64Array | null,
    F: Float64Array | null,
  ): void {
    this.#run(x, dt, u, out, F);
  }

  #run(x0: Float64Array, dt: number, u: Float64Array, out: Float64Array | null, Fout: Float64Array | null): void {
    const n = this.n;
    const x = this.#x;
    const xs = this.#xs;
    const k1 = this.#k1;
    const k2 = this.#k2;
    const k3 = this.#k3;
    const k4 = this.#k4;
    const wantF = Fout !== null;
    const F = this.#F;
    x.set(x0);
    if (wantF) setIdentity(F, n);
    const m = Math.max(this.substeps, Math.ceil(Math.abs(dt) / this.maxStep));
    const h = dt / m;
    for (let s = 0; s < m; s++) {
      if (this.method === "euler") {
        this.#g(x, u, k1);
        if (wantF) {
          this.#G(x, u, this.#K1);
          const Phi = this.#Phi;
          for (let i = 0; i < n * n; i++) Phi[i] = h * this.#K1[i];
          addIdentity(Phi, n);
          this.#chain(Phi);
        }
        for (let i = 0; i < n; i++) x[i] += h * k1[i];
        continue;
      }
      // RK4 stages; each stage's Jacobian K_j = G(stage point)·∂(stage point)/∂x.
      this.#g(x, u, k1);
      if (wantF) this.#G(x, u, this.#K1);
      for (let i = 0; i < n; i++) xs[i] = x[i] + 0.5 * h * k1[i];
      this.#g(xs, u, k2);
      if (wantF) this.#stageJacobian(xs, u, this.#K1, 0.5 * h, this.#K2);
      for (let i = 0; i < n; i++) xs[i] = x[i] + 0.5 * h * k2[i];
      this.#g(xs, u, k3);
      if (wantF) this.#stageJacobian(xs, u, this.#K2, 0.5 * h, this.#K3);
      for (let i = 0; i < n; i++) xs[i] = x[i] + h * k3[i];
      this.#g(xs, u, k4);
      if (wantF) {
        this.#stageJacobian(xs, u, this.#K3, h, this.#K4);
        const Phi = this.#Phi;
        const c = h / 6;
        for (let i = 0; i < n * n; i++) {
          Phi[i] = c * (this.#K1[i] + 2 * this.#K2[i] + 2 * this.#K3[i] + this.#K4[i]);
        }
        addIdentity(Phi, n);
        this.#chain(Phi);
      }
      const c = h / 6;
      for (let i = 0; i < n; i++) x[i] += c * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    }
    if (out !== null) out.set(x);
    if (wantF) Fout.set(F);
  }

  /** Kout = G(xs)·(I + a·Kprev). */
  #stageJacobian(xs: Float64Array, u: Float64Array, Kprev: Float64Array, a: number, Kout: Float64Array): void {
    const n = this.n;
    const Gs = this.#Gs;
    this.#G(xs, u, Gs);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let acc = Gs[i * n + j];
        for (let k = 0; k < n; k++) acc += a * Gs[i * n + k] * Kprev[k * n + j];
        Kout[i * n + j] = acc;
      }
    }
  }

  /** F ← Phi·F. */
  #chain(Phi: Float64Array): void {
    const n = this.n;
    const F = this.#F;
    const T = this.#T;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let k = 0; k < n; k++) acc += Phi[i * n + k] * F[k * n + j];
        T[i * n + j] = acc;
      }
    }
    F.set(T);
  }
}

function setIdentity(M: Float64Array, n: number): void {
  M.fill(0);
  for (let i = 0; i < n; i++) M[i * n + i] = 1;
}

function addIdentity(M: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) M[i * n + i] += 1;
}
