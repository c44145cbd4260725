import { ModelParameterError } from "../models/builtin/model-parameter-error.ts";
import { checkParameter } from "../models/builtin/parameter-rules.ts";
import { wrapAngle } from "../models/builtin/wrap-angle.ts";
import type { MeasurementModel } from "../models/measurement-model.ts";
import { type CompiledVectorFunction, compileExpressions, type VariableLayout } from "./compile-expressions.ts";
import { checkDeclaredNames, type VariableDeclaration } from "./declared-names.ts";
import { differentiateExpression } from "./differentiate-expression.ts";
import { type Expression, freeVariables, num, substitute } from "./expression-ast.ts";
import { ExpressionError } from "./expression-error.ts";
import { ModelDeclarationError } from "./model-declaration-error.ts";
import { parseExpression } from "./parse-expression.ts";
import { printExpression } from "./print-expression.ts";
import { simplifyExpression } from "./simplify-expression.ts";

/** One measured component: its name, expression h_k(x, u; p), noise standard deviation, and whether it is an angle. */
export interface MeasurementComponentDeclaration {
  readonly name: string;
  readonly expr: string;
  readonly noiseStd: number;
  /** Angles have their residuals wrapped to [−π, π). */
  readonly angular?: boolean;
}

/** A measurement model declared with expressions (a sensor of a twin definition). */
export interface ExpressionMeasurementDeclaration {
  /** Sensor physics name for reports (default "expression_sensor"). */
  readonly name?: string;
  /** The transition model's state variables, in state order (names or declarations). */
  readonly state: readonly (string | VariableDeclaration)[];
  /** The transition model's inputs, in order (u is passed to h). */
  readonly inputs?: readonly (string | VariableDeclaration)[];
  /** Named constants of the sensor (overridable with `withParameters`). */
  readonly parameters?: Readonly<Record<string, number>>;
  readonly measurements: readonly MeasurementComponentDeclaration[];
}

interface CompiledMeasurement {
  readonly name: string;
  readonly layout: VariableLayout;
  readonly measurementNames: readonly string[];
  readonly expressions: readonly Expression[];
  readonly jacobian: readonly Expression[];
  readonly h: CompiledVectorFunction;
  readonly H: CompiledVectorFunction;
  readonly linear: boolean;
  readonly angular: Uint8Array;
}

const NOISE = "noiseStd.";
let handOver: CompiledMeasurement | undefined;

/**
 * A measurement model compiled from expressions: z_k = h_k(x, u; p) + v_k, R = diag(noiseStd²).
 *
 * Each h_k is parsed against the declared states, inputs and parameters, differentiated symbolically to
 * the rows of H = ∂h/∂x, simplified, and compiled (see {@link compileExpressions}). Angular components
 * have wrapped residuals. `linear` is true when h(x) = H·x exactly: no Jacobian entry depends on the state
 * or inputs and h vanishes at x = 0. `parameters` holds the declared parameters and `noiseStd.<name>`.
 */
export class ExpressionMeasurementModel implements MeasurementModel {
  readonly name: string;
  readonly measurementNames: readonly string[];
  readonly dimX: number;
  readonly dimZ: number;
  readonly linear: boolean;
  readonly parameters: Readonly<Record<string, number>>;
  readonly #declaration: ExpressionMeasurementDeclaration;
  readonly #compiled: CompiledMeasurement;
  readonly #p: Float64Array;
  readonly #std: Float64Array;

  constructor(declaration: ExpressionMeasurementDeclaration) {
    const compiled = handOver ?? compileMeasurement(declaration);
    handOver = undefined;
    this.#declaration = declaration;
    this.#compiled = compiled;
    this.name = compiled.name;
    this.measurementNames = compiled.measurementNames;
    this.dimX = compiled.layout.state.length;
    this.dimZ = compiled.measurementNames.length;
    this.linear = compiled.linear;
    const parameters: Record<string, number> = {};
    for (const n of compiled.layout.parameters) {
      parameters[n] = declaration.parameters?.[n] ?? Number.NaN;
      checkParameter(this.name, n, parameters[n], "finite");
    }
    declaration.measurements.forEach((m, i) => {
      const key = NOISE + compiled.measurementNames[i];
      parameters[key] = m.noiseStd;
      checkParameter(this.name, key, m.noiseStd, "positive");
    });
    this.parameters = Object.freeze(parameters);
    this.#p = Float64Array.from(compiled.layout.parameters, (n) => parameters[n]);
    this.#std = Float64Array.from(compiled.measurementNames, (n) => parameters[NOISE + n]);
  }

  /** out = h(x, u; p). */
  h(x: Float64Array, u: Float64Array, out: Float64Array): void {
    this.#compiled.h(x, u, this.#p, out);
  }

  /** out = ∂h/∂x (dimZ×dimX), from the symbolic derivative. */
  jacobian(x: Float64Array, u: Float64Array, out: Float64Array): void {
    this.#compiled.H(x, u, this.#p, out);
  }

  /** out = diag(noiseStd²). */
  R(out: Float64Array): void {
    const m = this.dimZ;
    out.fill(0);
    for (let i = 0; i < m; i++) out[i * m + i] = this.#std[i] * this.#std[i];
  }

  /** out = a − b, angular components wrapped to [−π, π). */
  residual(a: Float64Array, b: Float64Array, out: Float64Array): void {
    const angular = this.#compiled.angular;
    for (let i = 0; i < this.dimZ; i++) {
      const d = a[i] - b[i];
      out[i] = angular[i] === 1 ? wrapAngle(d) : d;
    }
  }

  /** The simplified symbolic Jacobian as text, rows by columns. */
  describeJacobian(): string[][] {
    const n = this.dimX;
    return this.measurementNames.map((_, i) => this.#compiled.jacobian.slice(i * n, (i + 1) * n).map(printExpression));
  }

  withParameters(overrides: Readonly<Record<string, number>>): ExpressionMeasurementModel {
    const parameters: Record<string, number> = {};
    for (const n of this.#compiled.layout.parameters) parameters[n] = this.parameters[n];
    const std: Record<string, number> = {};
    for (const n of this.measurementNames) std[n] = this.parameters[NOISE + n];
    for (const [name, value] of Object.entries(overrides)) {
      if (!Object.hasOwn(this.parameters, name)) {
        const known = Object.keys(this.parameters).join(", ");
        throw new ModelParameterError(this.name, name, "unknown", `is not a parameter of this model (known: ${known})`);
      }
      if (name.startsWith(NOISE)) std[name.slice(NOISE.length)] = value;
      else parameters[name] = value;
    }
    handOver = this.#compiled;
    try {
      return new ExpressionMeasurementModel({
        ...this.#declaration,
        parameters,
        measurements: this.#declaration.measurements.map((m) => ({ ...m, noiseStd: std[m.name] })),
      });
    } finally {
      handOver = undefined;
    }
  }
}

const nameOf = (v: string | VariableDeclaration) => (typeof v === "string" ? v : v.name);

function compileMeasurement(declaration: ExpressionMeasurementDeclaration): CompiledMeasurement {
  const name = declaration.name ?? "expression_sensor";
  const state = declaration.state.map(nameOf);
  const inputs = (declaration.inputs ?? []).map(nameOf);
  const parameters = Object.keys(declaration.parameters ?? {});
  if (state.length === 0) throw new ModelDeclarationError("state", "declare at least one state variable");
  if (!Array.isArray(declaration.measurements) || declaration.measurements.length === 0) {
    throw new ModelDeclarationError("measurements", "declare at least one measured component");
  }
  const identifiers = checkDeclaredNames([
    { path: "state", names: state },
    { path: "inputs", names: inputs },
    { path: "parameters", names: parameters },
  ]);
  const measurementNames = declaration.measurements.map((m) => m.name);
  checkDeclaredNames([{ path: "measurements", names: measurementNames }]);
  const expressions = declaration.measurements.map((m, i) => {
    const source = `measurements[${i}].expr`;
    if (typeof m.expr !== "string") throw new ModelDeclarationError(source, "must be an expression string");
    try {
      return simplifyExpression(parseExpression(m.expr, { identifiers, source }));
    } catch (err) {
      throw err instanceof ExpressionError && err.source === undefined ? err.withSource(source) : err;
    }
  });
  const jacobian = expressions.flatMap((h) => state.map((s) => differentiateExpression(h, s)));
  const layout: VariableLayout = { state, inputs, parameters };
  const varying = new Set([...state, ...inputs]);
  const zeros = new Map(state.map((s) => [s, num(0)] as const));
  const linear =
    jacobian.every((e) => ![...freeVariables(e)].some((v) => varying.has(v))) &&
    expressions.every((h) => {
      const at0 = simplifyExpression(substitute(h, zeros));
      return at0.kind === "number" && at0.value === 0;
    });
  return {
    name,
    layout,
    measurementNames,
    expressions,
    jacobian,
    h: compileExpressions(expressions, layout),
    H: compileExpressions(jacobian, layout),
    linear,
    angular: Uint8Array.from(declaration.measurements, (m) => (m.angular === true ? 1 : 0)),
  };
}
