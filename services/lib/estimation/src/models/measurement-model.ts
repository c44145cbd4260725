/**
 * A measurement model: z = h(x, u) + v, v ~ N(0, R).
 *
 * Conventions as in {@link TransitionModel}: Float64Array, row-major, results written into `out`.
 */
export interface MeasurementModel {
  /** Name of the sensor physics, e.g. "position_2d" or "range_bearing". */
  readonly name: string;
  /** Names of the measured components (length dimZ), e.g. ["range", "bearing"]. */
  readonly measurementNames: readonly string[];
  readonly dimX: number;
  readonly dimZ: number;
  /** True when h(x, u) = H·x, so the Jacobian does not depend on x. */
  readonly linear: boolean;
  /**
   * out = h(x, u), length dimZ. `u` is the transition model's latest control input (length dimU, zeros
   * when unknown): some sensors see it directly, e.g. a battery's terminal voltage depends on its current.
   */
  h(x: Float64Array, u: Float64Array, out: Float64Array): void;
  /** out = ∂h/∂x at (x, u), dimZ×dimX. Absent only for models without a usable Jacobian. */
  jacobian?(x: Float64Array, u: Float64Array, out: Float64Array): void;
  /** out = R, dimZ×dimZ, symmetric positive definite. */
  R(out: Float64Array): void;
  /**
   * out = a − b, component-wise, with angular components wrapped to [−π, π)
   * (floored modulo: wrap(a) = ((a + π) mod 2π) − π). Used for innovations and sigma-point residuals.
   */
  residual(a: Float64Array, b: Float64Array, out: Float64Array): void;
  /** A copy with some parameters replaced (e.g. noise levels); unknown names throw ModelParameterError. */
  withParameters?(overrides: Readonly<Record<string, number>>): MeasurementModel;
}
