import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "conformance");

/** Reads one conformance JSON file from test/fixtures/conformance. */
// biome-ignore lint/suspicious/noExplicitAny: conformance JSON is untyped test data
export function loadConformance<T = any>(file: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, file), "utf8")) as T;
}

/** Flattens a nested numeric array (vector or row-major matrix) into a Float64Array. */
export function flat(a: number[] | number[][]): Float64Array {
  return Float64Array.from((a as unknown[]).flat(2) as number[]);
}

/** The README's tolerance parameters. */
export interface ToleranceHint {
  rtol: number;
  atol_scale: number;
  floor: number;
  floor_log_likelihood: number;
}

/**
 * The conformance README's rule, exactly: element-wise
 * |actual − expected| ≤ rtol·|expected| + atol_scale·max(floor, max_abs(expected field)),
 * with floor_log_likelihood for the scalar log-likelihood; null must stay null.
 * Tracks the worst error as a fraction of the allowed tolerance.
 */
export class ToleranceChecker {
  worst = 0;
  worstWhere = "";
  failures: string[] = [];
  private readonly hint: ToleranceHint;

  constructor(hint: ToleranceHint) {
    this.hint = hint;
  }

  check(where: string, actual: ArrayLike<number> | number | null, expected: unknown, logLikelihood = false): void {
    if (expected === null || expected === undefined) {
      if (actual !== null) this.failures.push(`${where}: expected null, got ${String(actual)}`);
      return;
    }
    if (actual === null) {
      this.failures.push(`${where}: expected a value, got null`);
      return;
    }
    const exp: number[] = typeof expected === "number" ? [expected] : ((expected as unknown[]).flat(3) as number[]);
    const act: ArrayLike<number> = typeof actual === "number" ? [actual] : actual;
    if (act.length !== exp.length) {
      this.failures.push(`${where}: length ${act.length} ≠ ${exp.length}`);
      return;
    }
    let maxAbs = 0;
    for (const e of exp) maxAbs = Math.max(maxAbs, Math.abs(e));
    const floor = logLikelihood ? this.hint.floor_log_likelihood : this.hint.floor;
    const atol = this.hint.atol_scale * Math.max(floor, maxAbs);
    for (let i = 0; i < exp.length; i++) {
      const e = exp[i] as number;
      const a = act[i] as number;
      const tol = this.hint.rtol * Math.abs(e) + atol;
      const err = Math.abs(a - e);
      const ratio = err / tol;
      if (!(ratio <= 1)) this.failures.push(`${where}[${i}]: actual ${a}, expected ${e}, error ${err} > tol ${tol}`);
      if (ratio > this.worst || Number.isNaN(ratio)) {
        this.worst = ratio;
        this.worstWhere = `${where}[${i}]`;
      }
    }
  }
}

/** Worst error / tolerance per conformance file, printed by the tests for the report. */
export const worstRatios = new Map<string, { ratio: number; where: string }>();
