import { choleskySemidefinite } from "../../src/linalg/cholesky.ts";

/**
 * Seeded pseudo-random numbers for the Monte Carlo tests: xoshiro128** uniforms and Box–Muller normals.
 *
 * Why not Math.random: the NEES tests must give the same figures on every run, so a pass or a failure is
 * a property of the code, not of luck.
 */
export class SeededNormal {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;
  #spare: number | null = null;

  constructor(seed: number) {
    // splitmix32 to spread the seed over the four words.
    let z = seed >>> 0;
    const next = () => {
      z = (z + 0x9e3779b9) >>> 0;
      let t = z;
      t = Math.imul(t ^ (t >>> 16), 0x85ebca6b) >>> 0;
      t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35) >>> 0;
      return (t ^ (t >>> 16)) >>> 0;
    };
    this.#s0 = next();
    this.#s1 = next();
    this.#s2 = next();
    this.#s3 = next();
  }

  /** Uniform on (0, 1). */
  uniform(): number {
    const result = Math.imul(rotl(Math.imul(this.#s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.#s1 << 9) >>> 0;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return (result + 0.5) / 4294967296;
  }

  /** Standard normal. */
  normal(): number {
    if (this.#spare !== null) {
      const s = this.#spare;
      this.#spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const a = 2 * Math.PI * this.uniform();
    this.#spare = r * Math.sin(a);
    return r * Math.cos(a);
  }

  /** out = mean + L·ξ with ξ standard normal and L·Lᵀ = C (C n×n, positive semi-definite). */
  gaussian(mean: Float64Array, C: Float64Array, out: Float64Array): void {
    const n = mean.length;
    const L = new Float64Array(n * n);
    if (!choleskySemidefinite(C, L, n)) throw new Error("covariance is not positive semi-definite");
    const xi = Float64Array.from({ length: n }, () => this.normal());
    for (let i = 0; i < n; i++) {
      let acc = mean[i];
      for (let k = 0; k <= i; k++) acc += L[i * n + k] * xi[k];
      out[i] = acc;
    }
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
