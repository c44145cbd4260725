import { ContinuousDiscretizer, type DiscretizationMethod } from "../models/builtin/continuous-discretizer.ts";
import { DiscreteStepCache } from "../models/builtin/discrete-step-cache.ts";
import { ModelParameterError } from "../models/builtin/model-parameter-error.ts";
import { checkParameter } from "../models/builtin/parameter-rules.ts";
import type { TransitionModel } from "../models/transition-model.ts";
import { compileDiscreteStep } from "./compile-discrete-step.ts";
import { type CompiledVectorFunction, compileExpressions, type VariableLayout } from "./compile-expressions.ts";
import { checkDeclaredNames, type VariableDeclaration } from "./declared-names.ts";
import { differentiateExpression } from "./differentiate-expression.ts";
import { type Expression, freeVariables, sameExpression } from "./expression-ast.ts";
import { ExpressionError } from "./expression-error.ts";
import { generateJavaScript } from "./generate-javascript.ts";
import { ModelDeclarationError } from "./model-declaration-error.ts";
import { parseExpression } from "./parse-expression.ts";
import { printExpression } from "./print-expression.ts";
import { simplifyExpression } from "./simplify-expression.ts";

/**
 * A transition model declared with expressions (the `model.expressions` part of a twin definition).
 *
 * `dynamics` gives dx/dt for every state variable as an expression in the states, inputs and parameters.
 */
export interface ExpressionTransitionDeclaration {
  /** Model name for reports (default "expression_model"). */
  readonly name?: string;
  readonly state: readonly VariableDeclaration[];
  readonly inputs?: readonly VariableDeclaration[];
  /** Named constants of the model and their values (overridable with `withParameters`). */
  readonly parameters?: Readonly<Record<string, number>>;
  /** d<state>/dt for every state variable. */
  readonly dynamics: Readonly<Record<string, string>>;
  /** Integration scheme (default RK4 with 1 substep). */
  readonly discretization?: {
    readonly method: DiscretizationMethod;
    readonly substeps?: number;
    /** Longest substep in seconds; longer predicts use more substeps (default ∞). */
    readonly maxStep?: number;
  };
  /** Spectral density q_i of white noise driving each state (missing = 0): Q(dt) = diag(q)·dt. */
  readonly processNoise?: Readonly<Record<string, number>> | ProcessNoiseMatrixDeclaration;
}

/**
 * Q(dt) written out as an n×n symmetric matrix of expressions in `dt` and the parameters, e.g. the
 * double-integrator form [["q*dt^3/3", "q*dt^2/2"], ["q*dt^2/2", "q*dt"]]. The author is responsible for
 * it being positive semi-definite for every dt > 0 (the filters' covariance guards catch violations).
 */
export interface ProcessNoiseMatrixDeclaration {
  readonly matrix: readonly (readonly string[])[];
}

/** (dt, p) → Q(dt) written into out (n×n). */
type CompiledNoiseMatrix = (dt: number, p: Float64Array, out: Float64Array) => void;

/** What compiling a declaration produces; shared by the copies `withParameters` makes. */
interface CompiledTransition {
  readonly name: string;
  readonly layout: VariableLayout;
  readonly dynamics: readonly Expression[];
  readonly jacobian: readonly Expression[];
  readonly g: CompiledVectorFunction;
  readonly G: CompiledVectorFunction;
  readonly linear: boolean;
  readonly method: DiscretizationMethod;
  readonly substeps: number;
  readonly maxStep: number;
  /** Q(dt) from the matrix form of `processNoise`, or null for the per-state densities. */
  readonly noiseMatrix: CompiledNoiseMatrix | null;
  /** Specialized discrete-step kernels (null above {@link MAX_UNROLLED_STATES} states). */
  readonly kernels: ReturnType<typeof compileDiscreteStep> | null;
}

/** Largest state dimension for which the discrete step is generated unrolled (code grows as n³). */
const MAX_UNROLLED_STATES = 12;

const PROCESS_NOISE = "processNoise.";

/**
 * A transition model compiled from expression declarations.
 *
 * Continuous dynamics dx/dt = g(x, u; p) are parsed (states, inputs and parameters are the only names
 * allowed), differentiated symbolically to G = ∂g/∂x, simplified, and both compiled to allocation-free
 * JavaScript functions. The discrete map f(x, dt, u) is `substeps` Euler or RK4 steps with u held
 * constant; its Jacobian is the exact chain-rule derivative through those substeps
 * (see {@link ContinuousDiscretizer}). Up to 12 states the whole step is generated as one specialized
 * kernel ({@link compileDiscreteStep}); larger models use the generic discretizer. Q(dt) = diag(q)·dt.
 *
 * `parameters` holds the declared parameters and `processNoise.<state>` densities; `withParameters`
 * returns a copy sharing the compiled code. `linear` is true when no entry of G depends on the state.
 */
export class ExpressionTransitionModel implements TransitionModel {
  readonly name: string;
  readonly stateNames: readonly string[];
  readonly inputNames: readonly string[];
  readonly dimX: number;
  readonly dimU: number;
  readonly linear: boolean;
  readonly parameters: Readonly<Record<string, number>>;
  readonly #compiled: CompiledTransition;
  readonly #p: Float64Array;
  readonly #q: Float64Array;
  readonly #step: (x: Float64Array, dt: number, u: Float64Array, out: Float64Array) => void;
  readonly #stepJacobian: (x: Float64Array, dt: number, u: Float64Array, out: Float64Array, F: Float64Array) => void;
  readonly #cache: DiscreteStepCache;

  readonly #declaration: ExpressionTransitionDeclaration;

  constructor(declaration: ExpressionTransitionDeclaration) {
    const compiled = handOver ?? compileTransition(declaration);
    handOver = undefined;
    this.#declaration = declaration;
    const parameters: Record<string, number> = {};
    for (const name of compiled.layout.parameters) parameters[name] = declaration.parameters?.[name] ?? Number.NaN;
    if (compiled.noiseMatrix === null) {
      const noise = (declaration.processNoise ?? {}) as Readonly<Record<string, number>>;
      for (const key of Object.keys(noise)) {
        if (!compiled.layout.state.includes(key)) {
          throw new ModelDeclarationError(`processNoise.${key}`, `'${key}' is not a state variable`);
        }
      }
      for (const s of compiled.layout.state) parameters[PROCESS_NOISE + s] = noise[s] ?? 0;
    }
    this.#compiled = compiled;
    this.name = compiled.name;
    this.stateNames = compiled.layout.state;
    this.inputNames = compiled.layout.inputs;
    this.dimX = this.stateNames.length;
    this.dimU = this.inputNames.length;
    this.linear = compiled.linear;
    this.parameters = this.#checkParameters(parameters);
    this.#p = Float64Array.from(compiled.layout.parameters, (n) => this.parameters[n]);
    this.#q = Float64Array.from(compiled.layout.state, (s) => this.parameters[PROCESS_NOISE + s] ?? 0);
    this.#cache = new DiscreteStepCache(this.dimX, this.dimU);
    const p = this.#p;
    const kernels = compiled.kernels;
    if (kernels !== null) {
      const { step, stepWithJacobian } = kernels;
      this.#step = (x, dt, u, out) => step(x, dt, u, p, out);
      this.#stepJacobian = (x, dt, u, out, F) => stepWithJacobian(x, dt, u, p, out, F);
    } else {
      const g = compiled.g;
      const G = compiled.G;
      const discretizer = new ContinuousDiscretizer(
        this.dimX,
        compiled.method,
        compiled.substeps,
        (x, u, out) => g(x, u, p, out),
        (x, u, out) => G(x, u, p, out),
        compiled.maxStep,
      );
      this.#step = (x, dt, u, out) => discretizer.step(x, dt, u, out);
      this.#stepJacobian = (x, dt, u, out, F) => discretizer.stepWithJacobian(x, dt, u, out, F);
    }
  }

  #checkParameters(values: Record<string, number>): Readonly<Record<string, number>> {
    for (const [name, value] of Object.entries(values)) {
      checkParameter(this.name, name, value, name.startsWith(PROCESS_NOISE) ? "nonNegative" : "finite");
    }
    return Object.freeze(values);
  }

  /** out = f(x, dt, u): the Euler/RK4 solution of dx/dt = g(x, u; p) over dt. */
  f(x: Float64Array, dt: number, u: Float64Array, out: Float64Array): void {
    if (this.#cache.tryCopy(x, dt, u, out)) return;
    this.#step(x, dt, u, out);
  }

  /** out = ∂f/∂x of the discrete map (chain rule through the substeps with the symbolic G). */
  jacobian(x: Float64Array, dt: number, u: Float64Array, out: Float64Array): void {
    this.#stepJacobian(x, dt, u, this.#cache.out, out);
    this.#cache.remember(x, dt, u);
  }

  /** out = diag(q)·dt, or the declared Q(dt) matrix. */
  Q(dt: number, out: Float64Array): void {
    const matrix = this.#compiled.noiseMatrix;
    if (matrix !== null) {
      matrix(dt, this.#p, out);
      return;
    }
    const n = this.dimX;
    out.fill(0);
    for (let i = 0; i < n; i++) out[i * n + i] = this.#q[i] * dt;
  }

  /** out = g(x, u; p), the continuous dynamics dx/dt. */
  derivative(x: Float64Array, u: Float64Array, out: Float64Array): void {
    this.#compiled.g(x, u, this.#p, out);
  }

  /** out = G = ∂g/∂x, the continuous Jacobian (n×n). */
  continuousJacobian(x: Float64Array, u: Float64Array, out: Float64Array): void {
    this.#compiled.G(x, u, this.#p, out);
  }

  /** The simplified symbolic continuous Jacobian as text, rows by columns (for docs and debugging). */
  describeJacobian(): string[][] {
    const n = this.dimX;
    return this.stateNames.map((_, i) => this.#compiled.jacobian.slice(i * n, (i + 1) * n).map(printExpression));
  }

  withParameters(overrides: Readonly<Record<string, number>>): ExpressionTransitionModel {
    const parameters: Record<string, number> = {};
    const processNoise: Record<string, number> = {};
    for (const [name, value] of Object.entries(this.parameters)) {
      if (name.startsWith(PROCESS_NOISE)) processNoise[name.slice(PROCESS_NOISE.length)] = value;
      else parameters[name] = value;
    }
    for (const [name, value] of Object.entries(overrides)) {
      if (!Object.hasOwn(this.parameters, name)) {
        const known = Object.keys(this.parameters).join(", ");
        throw new ModelParameterError(this.name, name, "unknown", `is not a parameter of this model (known: ${known})`);
      }
      if (name.startsWith(PROCESS_NOISE)) processNoise[name.slice(PROCESS_NOISE.length)] = value;
      else parameters[name] = value;
    }
    handOver = this.#compiled;
    try {
      const matrixForm = this.#compiled.noiseMatrix !== null;
      return new ExpressionTransitionModel({
        ...this.#declaration,
        parameters,
        ...(matrixForm ? {} : { processNoise }),
      });
    } finally {
      handOver = undefined;
    }
  }
}

/** Compiled code handed from `withParameters` to the copy's constructor (synchronous, so never shared). */
let handOver: CompiledTransition | undefined;

function compileTransition(declaration: ExpressionTransitionDeclaration): CompiledTransition {
  const name = declaration.name ?? "expression_model";
  if (!Array.isArray(declaration.state) || declaration.state.length === 0) {
    throw new ModelDeclarationError("state", "declare at least one state variable");
  }
  const state = declaration.state.map((s) => s.name);
  const inputs = (declaration.inputs ?? []).map((s) => s.name);
  const parameters = Object.keys(declaration.parameters ?? {});
  const identifiers = checkDeclaredNames([
    { path: "state", names: state },
    { path: "inputs", names: inputs },
    { path: "parameters", names: parameters },
  ]);
  const dynamicsText = declaration.dynamics ?? {};
  for (const key of Object.keys(dynamicsText)) {
    if (!state.includes(key)) throw new ModelDeclarationError(`dynamics.${key}`, `'${key}' is not a state variable`);
  }
  const dynamics = state.map((s) => {
    const text = dynamicsText[s];
    if (typeof text !== "string") throw new ModelDeclarationError(`dynamics.${s}`, `missing d${s}/dt expression`);
    try {
      return simplifyExpression(parseExpression(text, { identifiers, source: `dynamics.${s}` }));
    } catch (err) {
      throw err instanceof ExpressionError && err.source === undefined ? err.withSource(`dynamics.${s}`) : err;
    }
  });
  const jacobian = dynamics.flatMap((g) => state.map((s) => differentiateExpression(g, s)));
  const method = declaration.discretization?.method ?? "rk4";
  if (method !== "euler" && method !== "rk4") {
    throw new ModelDeclarationError("discretization.method", `must be "euler" or "rk4", got '${String(method)}'`);
  }
  const substeps = declaration.discretization?.substeps ?? 1;
  if (!Number.isInteger(substeps) || substeps < 1 || substeps > 1000) {
    throw new ModelDeclarationError("discretization.substeps", `must be an integer in 1…1000, got ${substeps}`);
  }
  const noiseMatrix = compileNoiseMatrix(declaration.processNoise, state, parameters, identifiers);
  const maxStep = declaration.discretization?.maxStep ?? Number.POSITIVE_INFINITY;
  if (!(maxStep > 0)) throw new ModelDeclarationError("discretization.maxStep", `must be > 0, got ${maxStep}`);
  const layout: VariableLayout = { state, inputs, parameters };
  const stateSet = new Set(state);
  const linear = jacobian.every((e) => ![...freeVariables(e)].some((v) => stateSet.has(v)));
  return {
    name,
    layout,
    dynamics,
    jacobian,
    g: compileExpressions(dynamics, layout),
    G: compileExpressions(jacobian, layout),
    linear,
    method,
    substeps,
    maxStep,
    noiseMatrix,
    kernels:
      state.length <= MAX_UNROLLED_STATES
        ? compileDiscreteStep(dynamics, jacobian, layout, { method, substeps, maxStep })
        : null,
  };
}

/** Compile the matrix form of `processNoise` (null for the per-state form). */
function compileNoiseMatrix(
  processNoise: ExpressionTransitionDeclaration["processNoise"],
  state: readonly string[],
  parameters: readonly string[],
  declared: ReadonlySet<string>,
): CompiledNoiseMatrix | null {
  if (processNoise === undefined || !Object.hasOwn(processNoise, "matrix")) return null;
  const rows: readonly (readonly string[])[] = (processNoise as ProcessNoiseMatrixDeclaration).matrix;
  const n = state.length;
  if (declared.has("dt")) {
    throw new ModelDeclarationError(
      "processNoise.matrix",
      "uses 'dt', so no state, input or parameter may be named 'dt'",
    );
  }
  const square = Array.isArray(rows as unknown) && rows.every((r) => Array.isArray(r as unknown) && r.length === n);
  if (!square || rows.length !== n) {
    throw new ModelDeclarationError("processNoise.matrix", `must be ${n}×${n} (one row and column per state variable)`);
  }
  const identifiers = new Set([...parameters, "dt"]);
  const entries = rows.map((row, i) =>
    row.map((text, j) => {
      const source = `processNoise.matrix[${i}][${j}]`;
      if (typeof text !== "string") throw new ModelDeclarationError(source, "must be an expression string");
      return simplifyExpression(parseExpression(text, { identifiers, source }));
    }),
  );
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (!sameExpression(entries[i][j], entries[j][i])) {
        throw new ModelDeclarationError(
          `processNoise.matrix[${i}][${j}]`,
          `differs from [${j}][${i}]: Q must be symmetric`,
        );
      }
    }
  }
  const slots = new Map<string, string>([["dt", "dt"]]);
  for (const [k, name] of parameters.entries()) slots.set(name, `p[${k}]`);
  const body = ['"use strict";', ...entries.flat().map((e, k) => `out[${k}] = ${generateJavaScript(e, slots)};`)];
  return new Function("dt", "p", "out", body.join("\n")) as CompiledNoiseMatrix;
}
