import type { MeasurementModel } from "../../src/models/measurement-model.ts";
import type { TransitionModel } from "../../src/models/transition-model.ts";

/** wrap(a) = ((a + π) mod 2π) − π with the floored modulo, as in the conformance README. */
export function wrapAngle(a: number): number {
  let m = (a + Math.PI) % (2 * Math.PI);
  if (m < 0) m += 2 * Math.PI;
  return m - Math.PI;
}

/**
 * A test-only linear transition whose F and Q are the stored matrices of the current conformance step:
 * the test sets `step` before each predict, so the filter uses exactly FilterPy's per-step inputs.
 */
export class SteppedLinearTransition implements TransitionModel {
  readonly name = "stepped_linear";
  readonly stateNames: readonly string[];
  readonly inputNames: readonly string[] = [];
  readonly dimX: number;
  readonly dimU = 0;
  readonly linear = true;
  readonly parameters = {};
  step = 0;
  private readonly Fs: Float64Array[];
  private readonly Qs: Float64Array[];

  constructor(stateNames: readonly string[], Fs: Float64Array[], Qs: Float64Array[]) {
    this.stateNames = stateNames;
    this.dimX = stateNames.length;
    this.Fs = Fs;
    this.Qs = Qs;
  }

  f(x: Float64Array, _dt: number, _u: Float64Array, out: Float64Array): void {
    const F = this.Fs[this.step] as Float64Array;
    const n = this.dimX;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += F[i * n + j] * x[j];
      out[i] = s;
    }
  }

  jacobian(_x: Float64Array, _dt: number, _u: Float64Array, out: Float64Array): void {
    out.set(this.Fs[this.step] as Float64Array);
  }

  Q(_dt: number, out: Float64Array): void {
    out.set(this.Qs[this.step] as Float64Array);
  }

  withParameters(): TransitionModel {
    return this;
  }
}

/** A test-only linear sensor z = H x + v, v ~ N(0, R). */
export class LinearTestSensor implements MeasurementModel {
  readonly name = "linear_test";
  readonly measurementNames: readonly string[];
  readonly dimX: number;
  readonly dimZ: number;
  readonly linear = true;
  private readonly Hm: Float64Array;
  private readonly Rm: Float64Array;

  constructor(measurementNames: readonly string[], H: Float64Array, R: Float64Array) {
    this.measurementNames = measurementNames;
    this.dimZ = measurementNames.length;
    this.dimX = H.length / this.dimZ;
    this.Hm = H;
    this.Rm = R;
  }

  h(x: Float64Array, _u: Float64Array, out: Float64Array): void {
    const n = this.dimX;
    for (let i = 0; i < this.dimZ; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += this.Hm[i * n + j] * x[j];
      out[i] = s;
    }
  }

  jacobian(_x: Float64Array, _u: Float64Array, out: Float64Array): void {
    out.set(this.Hm);
  }

  R(out: Float64Array): void {
    out.set(this.Rm);
  }

  residual(a: Float64Array, b: Float64Array, out: Float64Array): void {
    for (let i = 0; i < this.dimZ; i++) out[i] = a[i] - b[i];
  }
}

/**
 * The conformance files' range/bearing sensor at the origin for state [x, vx, y, vy]:
 * h = [√(px² + py²), atan2(py, px)], analytic Jacobian, bearing residual wrapped.
 */
export class RangeBearingTestSensor implements MeasurementModel {
  readonly name = "range_bearing_test";
  readonly measurementNames = ["range", "bearing"];
  readonly dimX = 4;
  readonly dimZ = 2;
  readonly linear = false;
  private readonly Rm: Float64Array;

  constructor(R: Float64Array) {
    this.Rm = R;
  }

  h(x: Float64Array, _u: Float64Array, out: Float64Array): void {
    const px = x[0] as number;
    const py = x[2] as number;
    out[0] = Math.sqrt(px * px + py * py);
    out[1] = Math.atan2(py, px);
  }

  jacobian(x: Float64Array, _u: Float64Array, out: Float64Array): void {
    const px = x[0] as number;
    const py = x[2] as number;
    const r2 = px * px + py * py;
    const r = Math.sqrt(r2);
    out.fill(0);
    out[0] = px / r;
    out[2] = py / r;
    out[4] = -py / r2;
    out[6] = px / r2;
  }

  R(out: Float64Array): void {
    out.set(this.Rm);
  }

  residual(a: Float64Array, b: Float64Array, out: Float64Array): void {
    out[0] = (a[0] as number) - (b[0] as number);
    out[1] = wrapAngle((a[1] as number) - (b[1] as number));
  }
}
