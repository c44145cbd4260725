import type { MeasurementModel } from "../../src/models/measurement-model.ts";
import type { TransitionModel } from "../../src/models/transition-model.ts";

/**
 * Test-only constant-velocity model in `axes` dimensions, state [p1, v1, p2, v2, …], with the discretised
 * white-acceleration noise Q = q·[[dt⁴/4, dt³/2], [dt³/2, dt²]] per axis (rank 1 per axis).
 */
export class ConstantVelocityTestModel implements TransitionModel {
  readonly name: string;
  readonly stateNames: readonly string[];
  readonly inputNames: readonly string[] = [];
  readonly dimX: number;
  readonly dimU = 0;
  readonly linear = true;
  readonly parameters: Readonly<Record<string, number>>;
  private readonly axes: number;
  private readonly q: number;

  constructor(axes: number, q: number) {
    this.axes = axes;
    this.q = q;
    this.dimX = 2 * axes;
    this.name = `cv_test_${axes}d`;
    this.stateNames = Array.from({ length: axes }, (_, a) => [`p${a}`, `v${a}`]).flat();
    this.parameters = { q };
  }

  f(x: Float64Array, dt: number, _u: Float64Array, out: Float64Array): void {
    for (let a = 0; a < this.axes; a++) {
      out[2 * a] = (x[2 * a] as number) + dt * (x[2 * a + 1] as number);
      out[2 * a + 1] = x[2 * a + 1] as number;
    }
  }

  jacobian(_x: Float64Array, dt: number, _u: Float64Array, out: Float64Array): void {
    const n = this.dimX;
    out.fill(0);
    for (let i = 0; i < n; i++) out[i * n + i] = 1;
    for (let a = 0; a < this.axes; a++) out[2 * a * n + 2 * a + 1] = dt;
  }

  Q(dt: number, out: Float64Array): void {
    const n = this.dimX;
    out.fill(0);
    const q = this.q;
    for (let a = 0; a < this.axes; a++) {
      const i = 2 * a;
      out[i * n + i] = (q * dt ** 4) / 4;
      out[i * n + i + 1] = (q * dt ** 3) / 2;
      out[(i + 1) * n + i] = (q * dt ** 3) / 2;
      out[(i + 1) * n + i + 1] = q * dt * dt;
    }
  }

  withParameters(overrides: Readonly<Record<string, number>>): TransitionModel {
    return new ConstantVelocityTestModel(this.axes, overrides.q ?? this.q);
  }
}

/** Test-only random walk x ← x + w, Q = q·dt·I, with an optional hook that poisons f (quarantine tests). */
export class RandomWalkTestModel implements TransitionModel {
  readonly name = "random_walk_test";
  readonly stateNames: readonly string[];
  readonly inputNames: readonly string[] = ["drive"];
  readonly dimX: number;
  readonly dimU = 1;
  readonly linear = true;
  readonly parameters: Readonly<Record<string, number>>;
  /** When true, f returns NaN (simulates a model blowing up). */
  poison = false;
  private readonly q: number;

  constructor(dimX: number, q: number) {
    this.dimX = dimX;
    this.q = q;
    this.stateNames = Array.from({ length: dimX }, (_, i) => `s${i}`);
    this.parameters = { q };
  }

  f(x: Float64Array, dt: number, u: Float64Array, out: Float64Array): void {
    for (let i = 0; i < this.dimX; i++) out[i] = this.poison ? Number.NaN : (x[i] as number) + dt * (u[0] as number);
  }

  jacobian(_x: Float64Array, _dt: number, _u: Float64Array, out: Float64Array): void {
    out.fill(0);
    for (let i = 0; i < this.dimX; i++) out[i * this.dimX + i] = 1;
  }

  Q(dt: number, out: Float64Array): void {
    out.fill(0);
    for (let i = 0; i < this.dimX; i++) out[i * this.dimX + i] = this.q * dt;
  }

  withParameters(overrides: Readonly<Record<string, number>>): TransitionModel {
    return new RandomWalkTestModel(this.dimX, overrides.q ?? this.q);
  }
}

/** Test-only sensor measuring the state components `indices` with noise variance r each. */
export class SelectorTestSensor implements MeasurementModel {
  readonly name: string;
  readonly measurementNames: readonly string[];
  readonly dimX: number;
  readonly dimZ: number;
  readonly linear = true;
  private readonly indices: readonly number[];
  private readonly r: number;

  constructor(dimX: number, indices: readonly number[], r: number) {
    this.dimX = dimX;
    this.indices = indices;
    this.dimZ = indices.length;
    this.r = r;
    this.name = `select_${indices.join("_")}`;
    this.measurementNames = indices.map((i) => `z${i}`);
  }

  h(x: Float64Array, _u: Float64Array, out: Float64Array): void {
    for (let k = 0; k < this.dimZ; k++) out[k] = x[this.indices[k] as number] as number;
  }

  jacobian(_x: Float64Array, _u: Float64Array, out: Float64Array): void {
    out.fill(0);
    for (let k = 0; k < this.dimZ; k++) out[k * this.dimX + (this.indices[k] as number)] = 1;
  }

  R(out: Float64Array): void {
    out.fill(0);
    for (let k = 0; k < this.dimZ; k++) out[k * this.dimZ + k] = this.r;
  }

  residual(a: Float64Array, b: Float64Array, out: Float64Array): void {
    for (let k = 0; k < this.dimZ; k++) out[k] = (a[k] as number) - (b[k] as number);
  }
}

/** Deterministic normal draws for test data (independent of the library's generator). */
export function gaussianStream(seed: number): () => number {
  let s = seed >>> 0 || 1;
  const uniform = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Bitwise equality of two Float64Arrays (NaN payloads and signed zeros included). */
export function bitEqual(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const ub = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return false;
  return true;
}
