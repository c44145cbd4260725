/**
 * Sparsity structure of a small matrix, for generating kernels that skip structural zeros and ones.
 *
 * Each entry gets a code: 0 when it is exactly 0, 1 when it is exactly 1, 2 otherwise (including NaN and
 * ±Infinity, so non-finite numbers still propagate through a generated kernel). Why: the models of digital
 * twins have highly structured matrices — F = [[1, dt], [0, 1]] blocks, selector H = [[1, 0, 0, 0], …],
 * diagonal R — and a product term with a structural 0 can be dropped and a factor 1 left out without
 * changing the result (x·0 contributes ±0, 1·x = x exactly), except possibly the sign of an exactly-zero sum.
 */
export type StructureCode = 0 | 1 | 2;

/** Writes the structure codes of A[0 … out.length) into `out`; returns true when any code changed. */
export function readStructure(A: Float64Array, out: Uint8Array): boolean {
  let changed = false;
  for (let i = 0; i < out.length; i++) {
    const v = A[i] as number;
    const s = v === 0 ? 0 : v === 1 ? 1 : 2;
    if (out[i] !== s) {
      out[i] = s;
      changed = true;
    }
  }
  return changed;
}

/** A cache key for a structure ("dense" when none is given). */
export function structureKey(s: Uint8Array | undefined): string {
  return s === undefined ? "dense" : s.join("");
}

/**
 * Source text of the product term `a·b` where `b` has structure `s` (undefined: dense): null when the term
 * vanishes (s = 0), `a` alone when s = 1, else `a * b`. `a` and `b` are generated identifiers.
 */
export function productTerm(a: string, b: string, s: number | undefined): string | null {
  if (s === 0) return null;
  if (s === 1) return a;
  return `${a} * ${b}`;
}
