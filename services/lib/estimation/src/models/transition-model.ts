/**
 * A transition model: the discrete-time dynamics x(t+dt) = f(x(t), dt, u) + w, w ~ N(0, Q(dt)).
 *
 * All vectors and matrices are Float64Array, matrices row-major (M[i*cols + j] is row i, column j).
 * Methods write into caller-provided `out` buffers so filters can run allocation-free on hot paths.
 * `out` never aliases an input.
 */
export interface TransitionModel {
  /** Name of the physics, e.g. "constant_velocity_2d". */
  readonly name: string;
  /** Names of the state variables, in state order (length dimX). */
  readonly stateNames: readonly string[];
  /** Names of the control inputs (length dimU; empty when the model takes none). */
  readonly inputNames: readonly string[];
  readonly dimX: number;
  readonly dimU: number;
  /** True when f(x) = F(dt)·x (+ B(dt)·u), so the Jacobian does not depend on x. */
  readonly linear: boolean;
  /** out = f(x, dt, u). `u` has length dimU (zeros when no input is known). */
  f(x: Float64Array, dt: number, u: Float64Array, out: Float64Array): void;
  /** out = ∂f/∂x at (x, dt, u), dimX×dimX. Absent only for models without a usable Jacobian. */
  jacobian?(x: Float64Array, dt: number, u: Float64Array, out: Float64Array): void;
  /** out = Q(dt), dimX×dimX, symmetric positive semi-definite. */
  Q(dt: number, out: Float64Array): void;
  /** The model's named parameters and their current values (for what-if overrides and docs). */
  readonly parameters: Readonly<Record<string, number>>;
  /** A copy of this model with some parameters replaced; unknown names throw ModelParameterError. */
  withParameters(overrides: Readonly<Record<string, number>>): TransitionModel;
}
