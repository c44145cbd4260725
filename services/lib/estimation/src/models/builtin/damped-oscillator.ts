import type { TransitionModel } from "../transition-model.ts";
import { resolveParameters } from "./parameter-rules.ts";

/** Parameters of {@link DampedOscillator}. */
export interface DampedOscillatorParameters {
  /** Spring stiffness k, N/m (≥ 0). */
  readonly k: number;
  /** Viscous damping c, N·s/m (≥ 0). */
  readonly c: number;
  /** Mass m, kg (> 0). */
  readonly m: number;
  /** Spectral density q of the white-noise acceleration, m²/s³ (≥ 0). */
  readonly q: number;
}

const RULES = { k: "nonNegative", c: "nonNegative", m: "positive", q: "nonNegative" } as const;
/** Simpson intervals used to integrate Q (even). */
const SIMPSON_INTERVALS = 32;

/**
 * Linear damped mass–spring oscillator: x' = v, v' = −(k/m)·x − (c/m)·v + w.
 *
 * State [x, v], no input. A = [[0, 1], [−k/m, −c/m]]. Exact discretization by the closed-form 2×2 matrix
 * exponential: with μ = tr(A)/2 = −c/(2m) and Δ² = μ² − k/m,
 *   F = e^{A·dt} = e^{μ·dt}·[[C − μ·S, S], [−(k/m)·S, C + μ·S]],
 *   C = cosh(δ·dt), S = sinh(δ·dt)/δ for Δ² = δ² > 0;  C = cos(ω·dt), S = sin(ω·dt)/ω for Δ² = −ω² < 0
 *   (series near Δ² = 0, the critically damped case).
 * Process noise, the exact continuous-to-discrete integral for white-noise acceleration of density q:
 *   Q(dt) = ∫₀^dt e^{Aτ}·[[0, 0], [0, q]]·e^{Aᵀτ} dτ, evaluated by composite Simpson (32 intervals) on the
 *   closed-form e^{Aτ} (integrand smooth; error far below the other modelling errors).
 */
export class DampedOscillator implements TransitionModel {
  readonly name = "damped_oscillator";
  readonly stateNames: readonly string[] = ["x", "v"];
  readonly inputNames: readonly string[] = [];
  readonly dimX = 2;
  readonly dimU = 0;
  readonly linear = true;
  readonly parameters: Readonly<DampedOscillatorParameters>;
  readonly #mu: number;
  readonly #delta2: number;
  readonly #kOverM: number;
  readonly #phi = new Float64Array(4);

  constructor(parameters: DampedOscillatorParameters) {
    this.parameters = resolveParameters(this.name, RULES, parameters);
    this.#kOverM = this.parameters.k / this.parameters.m;
    this.#mu = -this.parameters.c / (2 * this.parameters.m);
    this.#delta2 = this.#mu * this.#mu - this.#kOverM;
  }

  /** out = e^{A·t} (2×2, row-major). */
  #expm(t: number, out: Float64Array): void {
    const d2 = this.#delta2;
    const mu = this.#mu;
    let C: number;
    let S: number;
    const z = d2 * t * t;
    if (Math.abs(z) < 1e-6) {
      C = 1 + z / 2 + (z * z) / 24;
      S = t * (1 + z / 6 + (z * z) / 120);
    } else if (d2 > 0) {
      const d = Math.sqrt(d2);
      C = Math.cosh(d * t);
      S = Math.sinh(d * t) / d;
    } else {
      const w = Math.sqrt(-d2);
      C = Math.cos(w * t);
      S = Math.sin(w * t) / w;
    }
    const e = Math.exp(mu * t);
    out[0] = e * (C - mu * S);
    out[1] = e * S;
    out[2] = -e * this.#kOverM * S;
    out[3] = e * (C + mu * S);
  }

  /** out = F(dt)·x. */
  f(x: Float64Array, dt: number, _u: Float64Array, out: Float64Array): void {
    const F = this.#phi;
    this.#expm(dt, F);
    out[0] = F[0] * x[0] + F[1] * x[1];
    out[1] = F[2] * x[0] + F[3] * x[1];
  }

  /** out = F(dt) = e^{A·dt}. */
  jacobian(_x: Float64Array, dt: number, _u: Float64Array, out: Float64Array): void {
    this.#expm(dt, out);
  }

  /** out = ∫₀^dt Φ(τ)·diag(0, q)·Φ(τ)ᵀ dτ (Simpson). */
  Q(dt: number, out: Float64Array): void {
    const q = this.parameters.q;
    const h = dt / SIMPSON_INTERVALS;
    const P = this.#phi;
    let s00 = 0;
    let s01 = 0;
    let s11 = 0;
    for (let i = 0; i <= SIMPSON_INTERVALS; i++) {
      this.#expm(i * h, P);
      const w = i === 0 || i === SIMPSON_INTERVALS ? 1 : i % 2 === 1 ? 4 : 2;
      // Column 1 of Φ carries the noise: Φ·diag(0,q)·Φᵀ = q·[Φ01, Φ11]ᵀ[Φ01, Φ11].
      s00 += w * P[1] * P[1];
      s01 += w * P[1] * P[3];
      s11 += w * P[3] * P[3];
    }
    const c = (q * h) / 3;
    out[0] = c * s00;
    out[1] = c * s01;
    out[2] = c * s01;
    out[3] = c * s11;
  }

  withParameters(overrides: Readonly<Record<string, number>>): DampedOscillator {
    return new DampedOscillator(resolveParameters(this.name, RULES, this.parameters, overrides));
  }
}
