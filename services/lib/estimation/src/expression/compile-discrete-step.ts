import type { DiscretizationMethod } from "../models/builtin/continuous-discretizer.ts";
import type { VariableLayout } from "./compile-expressions.ts";
import { binary, call, type Expression, freeVariables, negate } from "./expression-ast.ts";
import { generateJavaScript } from "./generate-javascript.ts";
import { printExpression } from "./print-expression.ts";

/** out = f(x, dt, u; p): the discrete map of continuous dynamics. */
export type CompiledStep = (x: Float64Array, dt: number, u: Float64Array, p: Float64Array, out: Float64Array) => void;
/** out = f(x, dt, u; p) (when out is not null) and F = ∂f/∂x. */
export type CompiledStepWithJacobian = (
  x: Float64Array,
  dt: number,
  u: Float64Array,
  p: Float64Array,
  out: Float64Array | null,
  F: Float64Array,
) => void;

/** Options of {@link compileDiscreteStep}. */
export interface DiscreteStepOptions {
  readonly method: DiscretizationMethod;
  readonly substeps: number;
  /** Longest substep in seconds (Infinity: always `substeps`). */
  readonly maxStep: number;
}

const isZero = (e: Expression) => e.kind === "number" && e.value === 0;

/**
 * Generate one specialized JavaScript function for the whole discrete step of dx/dt = g(x, u; p) — the
 * same Euler/RK4 substeps and chain-rule Jacobian as {@link ContinuousDiscretizer}, unrolled for this
 * model: every state, stage value and Jacobian entry is a local variable, parameters and inputs are read
 * once, subexpressions of parameters and inputs only (e.g. g/L) are hoisted out of the substep loop, and
 * products with structurally zero entries of G = ∂g/∂x (symbolic zeros) are left out.
 *
 * Why: the generic discretizer calls g and G through closures and multiplies dense n×n matrices per stage;
 * the specialized kernel does only the arithmetic this model needs (the "kernels specialized to the
 * dimensions, generated per model" that the speed target asks for). The source is built only from the
 * validated trees and integer indices (see {@link generateJavaScript}).
 *
 * RK4 with K_s the stage Jacobians:
 *   K1 = G(x), K2 = G(x + h/2·k1)·(I + h/2·K1), K3 = G(x + h/2·k2)·(I + h/2·K2), K4 = G(x + h·k3)·(I + h·K3),
 *   Φ = I + h/6·(K1 + 2K2 + 2K3 + K4),  F ← Φ·F.
 */
export function compileDiscreteStep(
  dynamics: readonly Expression[],
  jacobian: readonly Expression[],
  layout: VariableLayout,
  options: DiscreteStepOptions,
): { step: CompiledStep; stepWithJacobian: CompiledStepWithJacobian } {
  const step = new Function("x", "dt", "u", "p", "out", source(dynamics, jacobian, layout, options, false));
  const withF = new Function("x", "dt", "u", "p", "out", "F", source(dynamics, jacobian, layout, options, true));
  return { step: step as CompiledStep, stepWithJacobian: withF as CompiledStepWithJacobian };
}

function source(
  dynamicsIn: readonly Expression[],
  jacobianIn: readonly Expression[],
  layout: VariableLayout,
  options: DiscreteStepOptions,
  withF: boolean,
): string {
  const n = layout.state.length;
  const idx = [...Array(n).keys()];
  const slots = new Map<string, string>();
  for (const [i, s] of layout.state.entries()) slots.set(s, `y${i}`);
  for (const [j, s] of layout.inputs.entries()) slots.set(s, `v${j}`);
  for (const [k, s] of layout.parameters.entries()) slots.set(s, `q${k}`);
  const L: string[] = ['"use strict";'];
  for (const k of layout.parameters.keys()) L.push(`const q${k} = p[${k}];`);
  for (const j of layout.inputs.keys()) L.push(`const v${j} = u[${j}];`);
  // Loop-invariant subexpressions become locals c0, c1, … computed once per call.
  const hoisted = new Hoister(new Set(layout.state));
  const dynamics = dynamicsIn.map((e) => hoisted.rewrite(e));
  const jacobian = withF ? jacobianIn.map((e) => hoisted.rewrite(e)) : jacobianIn;
  for (const [k, e] of hoisted.invariants.entries()) {
    L.push(`const c${k} = ${generateJavaScript(e, slots)};`);
    slots.set(hoistedName(k), `c${k}`);
  }
  for (const i of idx) L.push(`let x${i} = x[${i}];`);
  L.push(`let ${idx.map((i) => `y${i} = 0`).join(", ")};`);
  if (withF) {
    for (const i of idx) L.push(`let ${idx.map((j) => `F${i}_${j} = ${i === j ? 1 : 0}`).join(", ")};`);
  }
  const m = Number.isFinite(options.maxStep)
    ? `Math.max(${options.substeps}, Math.ceil(Math.abs(dt) / ${String(options.maxStep)}))`
    : String(options.substeps);
  L.push(`const m = ${m};`, "const h = dt / m;", "for (let s = 0; s < m; s++) {");

  const Gzero = (i: number, k: number) => isZero(jacobian[i * n + k]);
  /** Emit stage `s`: y = x + c·k_prev, k_s = g(y), and (withF) K_s; returns K_s's structural zeros. */
  const stage = (s: number, c: string | null, prevZero: boolean[][] | null): boolean[][] => {
    for (const i of idx) L.push(c === null ? `y${i} = x${i};` : `y${i} = x${i} + ${c} * k${s - 1}_${i};`);
    for (const i of idx) L.push(`const k${s}_${i} = ${generateJavaScript(dynamics[i], slots)};`);
    const zero = idx.map(() => idx.map(() => true));
    if (!withF) return zero;
    for (const i of idx) {
      for (const k of idx)
        if (!Gzero(i, k)) L.push(`const G${s}_${i}_${k} = ${generateJavaScript(jacobian[i * n + k], slots)};`);
    }
    for (const i of idx) {
      for (const j of idx) {
        // K_s[i][j] = G[i][j] + c·Σ_k G[i][k]·K_prev[k][j]
        const terms: string[] = [];
        if (!Gzero(i, j)) terms.push(`G${s}_${i}_${j}`);
        if (prevZero !== null && c !== null) {
          const sum = idx
            .filter((k) => !Gzero(i, k) && !prevZero[k][j])
            .map((k) => `G${s}_${i}_${k} * K${s - 1}_${k}_${j}`);
          if (sum.length > 0) terms.push(`${c} * (${sum.join(" + ")})`);
        }
        if (terms.length > 0) {
          zero[i][j] = false;
          L.push(`const K${s}_${i}_${j} = ${terms.join(" + ")};`);
        }
      }
    }
    return zero;
  };

  if (options.method === "euler") {
    const z1 = stage(1, null, null);
    if (withF) emitChain(L, idx, (i, j) => (z1[i][j] ? null : `h * K1_${i}_${j}`));
    for (const i of idx) L.push(`x${i} += h * k1_${i};`);
  } else {
    L.push("const h2 = 0.5 * h;", "const h6 = h / 6;");
    const z1 = stage(1, null, null);
    const z2 = stage(2, "h2", z1);
    const z3 = stage(3, "h2", z2);
    const z4 = stage(4, "h", z3);
    if (withF) {
      emitChain(L, idx, (i, j) => {
        const parts = [
          z1[i][j] ? null : `K1_${i}_${j}`,
          z2[i][j] ? null : `2 * K2_${i}_${j}`,
          z3[i][j] ? null : `2 * K3_${i}_${j}`,
          z4[i][j] ? null : `K4_${i}_${j}`,
        ].filter((t) => t !== null);
        return parts.length === 0 ? null : `h6 * (${parts.join(" + ")})`;
      });
    }
    for (const i of idx) L.push(`x${i} += h6 * (k1_${i} + 2 * k2_${i} + 2 * k3_${i} + k4_${i});`);
  }
  L.push("}");
  if (withF) {
    L.push("if (out !== null) {");
    for (const i of idx) L.push(`out[${i}] = x${i};`);
    L.push("}");
    for (const i of idx) for (const j of idx) L.push(`F[${i * n + j}] = F${i}_${j};`);
  } else {
    for (const i of idx) L.push(`out[${i}] = x${i};`);
  }
  return L.join("\n");
}

/** Emit Φ = I + D (D[i][j] given as code or null for 0) and F ← Φ·F. */
function emitChain(L: string[], idx: number[], D: (i: number, j: number) => string | null): void {
  for (const i of idx) {
    for (const k of idx) {
      const d = D(i, k);
      const phi = i === k ? (d === null ? "1" : `1 + ${d}`) : d;
      if (phi !== null) L.push(`const P${i}_${k} = ${phi};`);
    }
  }
  for (const i of idx) {
    for (const j of idx) {
      const terms = idx.filter((k) => i === k || D(i, k) !== null).map((k) => `P${i}_${k} * F${k}_${j}`);
      L.push(`const N${i}_${j} = ${terms.join(" + ")};`);
    }
  }
  for (const i of idx) for (const j of idx) L.push(`F${i}_${j} = N${i}_${j};`);
}

/** Name of the k-th hoisted subexpression: not an identifier of the language, so it cannot clash. */
const hoistedName = (k: number) => `$c${k}`;

/**
 * Replaces maximal subtrees that do not involve the state (only parameters, inputs, constants, literals)
 * by variables `$c<k>`, collecting each distinct subtree once (by its printed form). Leaves are left in
 * place: reading a local costs as much as reading a literal.
 */
class Hoister {
  readonly invariants: Expression[] = [];
  readonly #state: ReadonlySet<string>;
  readonly #index = new Map<string, number>();

  constructor(state: ReadonlySet<string>) {
    this.#state = state;
  }

  #invariant(e: Expression): boolean {
    for (const v of freeVariables(e)) if (this.#state.has(v)) return false;
    return true;
  }

  rewrite(e: Expression): Expression {
    if (e.kind === "number" || e.kind === "variable") return e;
    if (e.kind === "negate" && (e.operand.kind === "number" || e.operand.kind === "variable")) return e;
    if (this.#invariant(e)) {
      const key = printExpression(e);
      let k = this.#index.get(key);
      if (k === undefined) {
        k = this.invariants.length;
        this.invariants.push(e);
        this.#index.set(key, k);
      }
      return { kind: "variable", name: hoistedName(k) };
    }
    switch (e.kind) {
      case "negate":
        return negate(this.rewrite(e.operand));
      case "binary":
        return binary(e.op, this.rewrite(e.left), this.rewrite(e.right));
      case "call":
        return call(e.name, ...e.args.map((a) => this.rewrite(a)));
    }
  }
}
