/**
 * Straight-line kernels of the unscented Kalman filter, generated per state dimension n, number of sigma
 * points ns and measurement dimension m — only from those numbers, never from user text — with the weights
 * read at run time and every intermediate in a local variable.
 *
 * Why: after the Cholesky factor, the unscented transform is a handful of small weighted sums whose cost in
 * generic code is loop control and the transposed scratch matrices. The summation order of each entry
 * equals the generic path of `UnscentedKalmanFilter` (the products of transposed weighted deviation matrices,
 * then + Q or + R, then ½(P + Pᵀ)), so both paths give the same numbers to the last bit.
 */

/**
 * σ(x, P) without repair: L = chol(c·P) by plain Cholesky (as `choleskyLower` on c·P), then χ₀ = x,
 * χ₁₊ᵢ = x + L[:, i], χ₁₊ₙ₊ᵢ = x − L[:, i] (as `writeSigmaPoints`). Returns false on a non-positive pivot,
 * having written nothing; the caller then takes the robust path (jitter, nearest-SPD repair).
 */
export type SigmaPointsKernel = (x: Float64Array, P: Float64Array, c: number, out: Float64Array) => boolean;

/**
 * Unscented predict moments from the propagated points χf ((2n+1)×n): x = Σ Wmᵢ χfᵢ,
 * P = Σ Wcᵢ (χfᵢ − x)(χfᵢ − x)ᵀ + Q, then ½(P + Pᵀ). Returns false when x or P is not finite.
 */
export type UnscentedMomentsKernel = (
  chiF: Float64Array,
  Wm: Float64Array,
  Wc: Float64Array,
  Q: Float64Array,
  x: Float64Array,
  P: Float64Array,
) => boolean;

/**
 * Unscented update sums from the residuals rᵢ = γᵢ ⊖ ẑ (ns×m) and the points χ (ns×n) about the mean x:
 * S = Σ Wcᵢ rᵢ rᵢᵀ + R and C = Pxz = Σ Wcᵢ (χᵢ − x) rᵢᵀ.
 */
export type UnscentedCrossKernel = (
  res: Float64Array,
  chi: Float64Array,
  x: Float64Array,
  Wc: Float64Array,
  R: Float64Array,
  S: Float64Array,
  C: Float64Array,
) => void;

const sigmaCache = new Map<number, SigmaPointsKernel>();
const momentsCache = new Map<string, UnscentedMomentsKernel>();
const crossCache = new Map<string, UnscentedCrossKernel>();

/** The generated {@link SigmaPointsKernel} for dimension n. */
export function sigmaPointsKernel(n: number): SigmaPointsKernel {
  const hit = sigmaCache.get(n);
  if (hit !== undefined) return hit;
  const c: string[] = ['"use strict";', "let s = 0;"];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const terms = [`c * P[${i * n + j}]`];
      for (let k = 0; k < j; k++) terms.push(`- L${i}_${k} * L${j}_${k}`);
      c.push(`s = ${terms.join(" ")};`);
      if (i === j) {
        c.push("if (!(s > 0) || s === Infinity) return false;", `const L${i}_${i} = Math.sqrt(s);`);
      } else {
        c.push(`const L${i}_${j} = s / L${j}_${j};`);
      }
    }
  }
  for (let j = 0; j < n; j++) c.push(`const x${j} = x[${j}];`, `out[${j}] = x${j};`);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      // L[j, i] is zero above the diagonal: x ± 0 = x
      const plus = j >= i ? `x${j} + L${j}_${i}` : `x${j}`;
      const minus = j >= i ? `x${j} - L${j}_${i}` : `x${j}`;
      c.push(`out[${(1 + i) * n + j}] = ${plus};`, `out[${(1 + n + i) * n + j}] = ${minus};`);
    }
  }
  c.push("return true;");
  const fn = new Function("x", "P", "c", "out", c.join("\n")) as SigmaPointsKernel;
  sigmaCache.set(n, fn);
  return fn;
}

/** The generated {@link UnscentedMomentsKernel} for dimension n and ns sigma points. */
export function unscentedMomentsKernel(n: number, ns: number): UnscentedMomentsKernel {
  const key = `${n}:${ns}`;
  const hit = momentsCache.get(key);
  if (hit !== undefined) return hit;
  const c: string[] = ['"use strict";'];
  for (let i = 0; i < ns; i++) c.push(`const wm${i} = Wm[${i}];`, `const wc${i} = Wc[${i}];`);
  for (let i = 0; i < ns * n; i++) c.push(`const f${i} = chiF[${i}];`);
  c.push("let acc = 0;");
  for (let j = 0; j < n; j++) {
    const t: string[] = [];
    for (let i = 0; i < ns; i++) t.push(`wm${i} * f${i * n + j}`);
    c.push(`const x${j} = ${t.join(" + ")};`, `x[${j}] = x${j};`, `acc += x${j} * 0;`);
  }
  for (let i = 0; i < ns; i++) {
    for (let a = 0; a < n; a++) c.push(`const d${i}_${a} = f${i * n + a} - x${a};`);
    for (let a = 0; a < n; a++) c.push(`const w${i}_${a} = wc${i} * d${i}_${a};`);
  }
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const t: string[] = [];
      for (let i = 0; i < ns; i++) t.push(`w${i}_${a} * d${i}_${b}`);
      c.push(`const p${a}_${b} = ${t.join(" + ")} + Q[${a * n + b}];`);
    }
  }
  for (let a = 0; a < n; a++) {
    c.push(`P[${a * n + a}] = p${a}_${a};`, `acc += p${a}_${a} * 0;`);
    for (let b = a + 1; b < n; b++) {
      c.push(`{ const v = 0.5 * (p${a}_${b} + p${b}_${a}); P[${a * n + b}] = v; P[${b * n + a}] = v; acc += v * 0; }`);
    }
  }
  c.push("return acc === 0;");
  const fn = new Function("chiF", "Wm", "Wc", "Q", "x", "P", c.join("\n")) as UnscentedMomentsKernel;
  momentsCache.set(key, fn);
  return fn;
}

/** The generated {@link UnscentedCrossKernel} for n, ns and m. */
export function unscentedCrossKernel(n: number, ns: number, m: number): UnscentedCrossKernel {
  const key = `${n}:${ns}:${m}`;
  const hit = crossCache.get(key);
  if (hit !== undefined) return hit;
  const c: string[] = ['"use strict";'];
  for (let a = 0; a < n; a++) c.push(`const x${a} = x[${a}];`);
  for (let i = 0; i < ns; i++) {
    c.push(`const w${i} = Wc[${i}];`);
    for (let a = 0; a < m; a++)
      c.push(`const r${i}_${a} = res[${i * m + a}];`, `const v${i}_${a} = w${i} * r${i}_${a};`);
    for (let a = 0; a < n; a++) c.push(`const u${i}_${a} = w${i} * (chi[${i * n + a}] - x${a});`);
  }
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) {
      const t: string[] = [];
      for (let i = 0; i < ns; i++) t.push(`v${i}_${a} * r${i}_${b}`);
      c.push(`S[${a * m + b}] = ${t.join(" + ")} + R[${a * m + b}];`);
    }
  }
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < m; b++) {
      const t: string[] = [];
      for (let i = 0; i < ns; i++) t.push(`u${i}_${a} * r${i}_${b}`);
      c.push(`C[${a * m + b}] = ${t.join(" + ")};`);
    }
  }
  const fn = new Function("res", "chi", "x", "Wc", "R", "S", "C", c.join("\n")) as UnscentedCrossKernel;
  crossCache.set(key, fn);
  return fn;
}
