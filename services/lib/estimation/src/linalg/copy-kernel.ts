/** out[0 … len) ← a[0 … len). */
export type CopyKernel = (a: Float64Array, out: Float64Array) => void;

/** Longest copy generated as straight-line code; longer ones loop. */
const MAX_UNROLLED_COPY = 144;
const cache = new Map<number, CopyKernel>();

/**
 * A copy of `len` doubles, generated once per length as straight-line assignments.
 *
 * Why: the filters save their mean and covariance before every step (the results' `prior`); for the
 * small vectors and matrices of a twin, `TypedArray.prototype.set` is a call into a builtin that costs
 * more than the copy itself, while straight-line element assignments are inlined by the JIT.
 */
export function copyKernel(len: number): CopyKernel {
  const hit = cache.get(len);
  if (hit !== undefined) return hit;
  let fn: CopyKernel;
  if (len > MAX_UNROLLED_COPY) {
    fn = (a, out) => {
      for (let i = 0; i < len; i++) out[i] = a[i] as number;
    };
  } else {
    const lines: string[] = ['"use strict";'];
    for (let i = 0; i < len; i++) lines.push(`out[${i}] = a[${i}];`);
    fn = new Function("a", "out", lines.join("\n")) as CopyKernel;
  }
  cache.set(len, fn);
  return fn;
}
