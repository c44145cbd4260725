import { multiply, multiplyABt } from "./matrix-multiply.ts";

/** A matrix product specialised to fixed dimensions: out = A·B or A·Bᵀ, row-major, no aliasing. */
export type ProductKernel = (A: Float64Array, B: Float64Array, out: Float64Array) => void;

/** Largest product (m·k·n multiply-adds) that is generated as straight-line code; larger ones loop. */
const MAX_UNROLLED = 2048;
const cache = new Map<string, ProductKernel>();

function generate(key: string, m: number, k: number, n: number, transposeB: boolean): ProductKernel {
  const lines: string[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const terms: string[] = [];
      for (let p = 0; p < k; p++) terms.push(`A[${i * k + p}] * B[${transposeB ? j * k + p : p * n + j}]`);
      lines.push(`out[${i * n + j}] = ${terms.join(" + ")};`);
    }
  }
  // The sums run left to right in p, exactly as the generic loops (s = 0; s += …) do, so both paths agree
  // to the last bit except for the sign of an exactly-zero sum.
  const fn = new Function("A", "B", "out", `"use strict";\n${lines.join("\n")}`) as ProductKernel;
  cache.set(key, fn);
  return fn;
}

/**
 * out(m×n) = A(m×k)·B(k×n), generated once per shape as straight-line code (a fully unrolled product).
 *
 * Why: for the 2–10-dimensional states of digital twins, loop control and index arithmetic dominate the
 * generic kernel; straight-line code per shape is what the plain-C reference's compiler produces, and it
 * keeps the hot path allocation-free. Shapes above 2048 multiply-adds use the generic loops.
 */
export function productKernel(m: number, k: number, n: number): ProductKernel {
  const key = `AB:${m}:${k}:${n}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  if (m * k * n > MAX_UNROLLED) {
    const fn: ProductKernel = (A, B, out) => multiply(A, B, out, m, k, n);
    cache.set(key, fn);
    return fn;
  }
  return generate(key, m, k, n, false);
}

/** out(m×n) = A(m×k)·B(n×k)ᵀ, generated once per shape (see {@link productKernel}). */
export function productABtKernel(m: number, k: number, n: number): ProductKernel {
  const key = `ABt:${m}:${k}:${n}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  if (m * k * n > MAX_UNROLLED) {
    const fn: ProductKernel = (A, B, out) => multiplyABt(A, B, out, m, k, n);
    cache.set(key, fn);
    return fn;
  }
  return generate(key, m, k, n, true);
}
