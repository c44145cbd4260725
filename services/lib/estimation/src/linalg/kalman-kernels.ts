/**
 * Whole-step Kalman kernels generated as straight-line code for one (n, m) shape, with every intermediate in
 * a local variable.
 *
 * Why: for the small, fixed shapes of a digital twin, the generic kernels spend most of their time on loop
 * control, index arithmetic, calls and typed-array traffic for intermediates; one generated function per
 * shape keeps the intermediates in registers. The arithmetic is the same as the generic path (FilterPy's
 * equations, Joseph form), so results agree to round-off; the filters fall back to the generic, robust path
 * (jitter and nearest-SPD repair) whenever a generated kernel reports a non-positive pivot.
 */

import { productTerm, structureKey } from "./matrix-structure.ts";

/**
 * nis = yᵀS⁻¹y via the lower Cholesky factor L of S (written to LS, m×m), ln det S into out[0].
 * Returns NaN when S is not numerically positive definite.
 */
export type FactorNisKernel = (S: Float64Array, y: Float64Array, LS: Float64Array, out: Float64Array) => number;

/**
 * From L = chol(S): K = C S⁻¹ (C = P Hᵀ, n×m), x ← x + K y, and the Joseph update
 * P ← (I − K H) P⁻ (I − K H)ᵀ + K R Kᵀ (applied as A P⁻ = P⁻ − K Cᵀ, (A P⁻) Aᵀ = A P⁻ − ((A P⁻) Hᵀ) Kᵀ),
 * computing the upper triangle and mirroring it (P exactly symmetric). Returns false if x or P is not finite.
 */
export type GainJosephKernel = (
  LS: Float64Array,
  C: Float64Array,
  y: Float64Array,
  x: Float64Array,
  Pprior: Float64Array,
  H: Float64Array,
  R: Float64Array,
  K: Float64Array,
  P: Float64Array,
) => boolean;

/**
 * The unscented update tail from L = chol(S): K = Pxz S⁻¹ (C = Pxz), x ← x + K y, P ← P − K S Kᵀ,
 * upper triangle mirrored. Returns false if x or P is not finite.
 */
export type UnscentedGainKernel = (
  LS: Float64Array,
  C: Float64Array,
  y: Float64Array,
  x: Float64Array,
  S: Float64Array,
  K: Float64Array,
  P: Float64Array,
) => boolean;

/** P ← F P Fᵀ + Q (upper triangle, mirrored); returns false if x or P is not finite. */
export type PredictCovarianceKernel = (F: Float64Array, P: Float64Array, Q: Float64Array, x: Float64Array) => boolean;

/** Largest shapes generated as straight-line code (beyond them the generic kernels are as good). */
export const MAX_GENERATED_STATE = 12;
export const MAX_GENERATED_MEASUREMENT = 6;

const factorCache = new Map<number, FactorNisKernel>();
const gainCache = new Map<string, GainJosephKernel>();
const predictCache = new Map<string, PredictCovarianceKernel>();
const innovationCache = new Map<string, InnovationCovarianceKernel>();
const unscentedCache = new Map<string, UnscentedGainKernel>();

function sum(terms: (string | null)[]): string {
  const t = terms.filter((x): x is string => x !== null);
  return t.length === 0 ? "0" : t.join(" + ");
}

/** The generated {@link FactorNisKernel} for m×m innovation covariances. */
export function factorNisKernel(m: number): FactorNisKernel {
  const hit = factorCache.get(m);
  if (hit !== undefined) return hit;
  const c: string[] = ['"use strict";', "let s = 0;"];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      const terms = [`S[${i * m + j}]`];
      for (let k = 0; k < j; k++) terms.push(`- L${i}_${k} * L${j}_${k}`);
      c.push(`s = ${terms.join(" ")};`);
      if (i === j) {
        c.push("if (!(s > 0)) return NaN;");
        c.push(`const L${i}_${i} = Math.sqrt(s);`);
      } else {
        c.push(`const L${i}_${j} = s / L${j}_${j};`);
      }
    }
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) c.push(`LS[${i * m + j}] = ${j <= i ? `L${i}_${j}` : "0"};`);
  for (let i = 0; i < m; i++) {
    const terms = [`y[${i}]`];
    for (let k = 0; k < i; k++) terms.push(`- L${i}_${k} * v${k}`);
    c.push(`const v${i} = (${terms.join(" ")}) / L${i}_${i};`);
  }
  const diag = Array.from({ length: m }, (_, i) => `L${i}_${i}`);
  c.push(`const p = ${diag.join(" * ")};`);
  c.push(
    `out[0] = p > 1e-280 && p < 1e280 ? 2 * Math.log(p) : 2 * (${diag.map((d) => `Math.log(${d})`).join(" + ")});`,
  );
  c.push(`return ${Array.from({ length: m }, (_, i) => `v${i} * v${i}`).join(" + ")};`);
  const fn = new Function("S", "y", "LS", "out", c.join("\n")) as FactorNisKernel;
  factorCache.set(m, fn);
  return fn;
}

/**
 * Emits the shared gain code: L from LS, W = L⁻¹, S⁻¹ = WᵀW, K = C S⁻¹ (written to K), x ← x + K y.
 * Locals: L{i}_{j}, W{i}_{j}, Si{i}_{j}, C{i}_{k}, y{k}, K{i}_{j}.
 */
function gainPrelude(c: string[], n: number, m: number): void {
  for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) c.push(`const L${i}_${j} = LS[${i * m + j}];`);
  // W = L⁻¹ (lower triangular)
  for (let j = 0; j < m; j++) {
    for (let i = j; i < m; i++) {
      const terms = [i === j ? "1" : "0"];
      for (let k = j; k < i; k++) terms.push(`- L${i}_${k} * W${k}_${j}`);
      c.push(`const W${i}_${j} = (${terms.join(" ")}) / L${i}_${i};`);
    }
  }
  // S⁻¹ = Wᵀ W (symmetric)
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      const terms: string[] = [];
      for (let k = i; k < m; k++) terms.push(`W${k}_${i} * W${k}_${j}`);
      c.push(`const Si${i}_${j} = ${sum(terms)};`);
    }
  }
  const si = (a: number, b: number) => (a >= b ? `Si${a}_${b}` : `Si${b}_${a}`);
  for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) c.push(`const C${i}_${k} = C[${i * m + k}];`);
  // K = C S⁻¹, x ← x + K y
  for (let k = 0; k < m; k++) c.push(`const y${k} = y[${k}];`);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const terms: string[] = [];
      for (let k = 0; k < m; k++) terms.push(`C${i}_${k} * ${si(k, j)}`);
      c.push(`const K${i}_${j} = ${sum(terms)};`);
      c.push(`K[${i * m + j}] = K${i}_${j};`);
    }
    const upd: string[] = [];
    for (let j = 0; j < m; j++) upd.push(`K${i}_${j} * y${j}`);
    c.push(`x[${i}] += ${sum(upd)};`);
  }
}

/**
 * The generated {@link GainJosephKernel} for state dimension n and measurement dimension m; with the
 * structures `sH` (m×n) and `sR` (m×m) of H and R (see matrix-structure.ts) terms with structural zeros are
 * dropped and factors 1 not multiplied. The caller must regenerate when the structures change.
 */
export function gainJosephKernel(n: number, m: number, sH?: Uint8Array, sR?: Uint8Array): GainJosephKernel {
  const key = `${n}:${m}:${structureKey(sH)}:${structureKey(sR)}`;
  const hit = gainCache.get(key);
  if (hit !== undefined) return hit;
  const c: string[] = ['"use strict";'];
  gainPrelude(c, n, m);
  for (let i = 0; i < m * n; i++) if (sH === undefined || sH[i] === 2) c.push(`const H${i} = H[${i}];`);
  for (let i = 0; i < m * m; i++) if (sR === undefined || sR[i] === 2) c.push(`const R${i} = R[${i}];`);
  // AP = P⁻ − K Cᵀ
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const terms: string[] = [];
      for (let k = 0; k < m; k++) terms.push(`K${i}_${k} * C${j}_${k}`);
      c.push(`const A${i}_${j} = Pprior[${i * n + j}] - (${sum(terms)});`);
    }
  }
  // D = AP Hᵀ − K R (n×m);  P = AP − D Kᵀ = (A P⁻ Aᵀ + K R Kᵀ), upper triangle mirrored (exactly symmetric)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const t1: (string | null)[] = [];
      for (let k = 0; k < n; k++) t1.push(productTerm(`A${i}_${k}`, `H${j * n + k}`, sH?.[j * n + k]));
      const t2: (string | null)[] = [];
      for (let k = 0; k < m; k++) t2.push(productTerm(`K${i}_${k}`, `R${k * m + j}`, sR?.[k * m + j]));
      c.push(`const D${i}_${j} = ${sum(t1)} - (${sum(t2)});`);
    }
  }
  c.push("let acc = 0;");
  for (let i = 0; i < n; i++) {
    c.push(`acc += x[${i}] * 0;`);
    for (let j = i; j < n; j++) {
      const t: string[] = [];
      for (let k = 0; k < m; k++) t.push(`D${i}_${k} * K${j}_${k}`);
      const v = `v${i}_${j}`;
      c.push(`const ${v} = A${i}_${j} - (${sum(t)});`);
      c.push(i === j ? `P[${i * n + i}] = ${v};` : `P[${i * n + j}] = ${v}; P[${j * n + i}] = ${v};`);
      c.push(`acc += ${v} * 0;`);
    }
  }
  c.push("return acc === 0;");
  const fn = new Function("LS", "C", "y", "x", "Pprior", "H", "R", "K", "P", c.join("\n")) as GainJosephKernel;
  gainCache.set(key, fn);
  return fn;
}

/**
 * The generated {@link PredictCovarianceKernel} for state dimension n; with the structures `sF`, `sQ` (n×n)
 * of F and Q, terms with structural zeros are dropped and factors 1 not multiplied (for the constant-velocity
 * F = [[1, dt], [0, 1]] blocks, 16 of the 128 multiply-adds of n = 4 remain). The caller must regenerate when
 * the structures change.
 */
export function predictCovarianceKernel(n: number, sF?: Uint8Array, sQ?: Uint8Array): PredictCovarianceKernel {
  const key = `${n}:${structureKey(sF)}:${structureKey(sQ)}`;
  const hit = predictCache.get(key);
  if (hit !== undefined) return hit;
  const c: string[] = ['"use strict";'];
  for (let i = 0; i < n * n; i++) if (sF === undefined || sF[i] === 2) c.push(`const F${i} = F[${i}];`);
  for (let i = 0; i < n * n; i++) c.push(`const P${i} = P[${i}];`);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const t: (string | null)[] = [];
      for (let k = 0; k < n; k++) t.push(productTerm(`P${k * n + j}`, `F${i * n + k}`, sF?.[i * n + k]));
      c.push(`const T${i}_${j} = ${sum(t)};`);
    }
  }
  const out = (i: number, j: number) => {
    const t: (string | null)[] = [];
    for (let k = 0; k < n; k++) t.push(productTerm(`T${i}_${k}`, `F${j * n + k}`, sF?.[j * n + k]));
    return sQ !== undefined && sQ[i * n + j] === 0 ? sum(t) : `${sum(t)} + Q[${i * n + j}]`;
  };
  // Upper triangle computed, mirrored: P is exactly symmetric.
  c.push("let acc = 0;");
  for (let i = 0; i < n; i++) {
    c.push(`{ const v = ${out(i, i)}; P[${i * n + i}] = v; acc += v * 0 + x[${i}] * 0; }`);
    for (let j = i + 1; j < n; j++) {
      c.push(`{ const v = ${out(i, j)}; P[${i * n + j}] = v; P[${j * n + i}] = v; acc += v * 0; }`);
    }
  }
  c.push("return acc === 0;");
  const fn = new Function("F", "P", "Q", "x", c.join("\n")) as PredictCovarianceKernel;
  predictCache.set(key, fn);
  return fn;
}

/** C ← P Hᵀ (n×m) and S ← H C + R (m×m): the cross covariance and the innovation covariance. */
export type InnovationCovarianceKernel = (
  P: Float64Array,
  H: Float64Array,
  R: Float64Array,
  C: Float64Array,
  S: Float64Array,
) => void;

/**
 * The generated {@link InnovationCovarianceKernel} for n, m and the structures `sH`, `sR` of H and R
 * (summation order of `multiplyABt`, `multiply` and the R addition). For a selector H, C is a copy of
 * columns of P and S a copy of entries of P plus R.
 */
export function innovationCovarianceKernel(
  n: number,
  m: number,
  sH?: Uint8Array,
  sR?: Uint8Array,
): InnovationCovarianceKernel {
  const key = `${n}:${m}:${structureKey(sH)}:${structureKey(sR)}`;
  const hit = innovationCache.get(key);
  if (hit !== undefined) return hit;
  const c: string[] = ['"use strict";'];
  for (let i = 0; i < m * n; i++) if (sH === undefined || sH[i] === 2) c.push(`const H${i} = H[${i}];`);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const t: (string | null)[] = [];
      for (let k = 0; k < n; k++) t.push(productTerm(`P[${i * n + k}]`, `H${j * n + k}`, sH?.[j * n + k]));
      c.push(`const C${i}_${j} = ${sum(t)};`, `C[${i * m + j}] = C${i}_${j};`);
    }
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const t: (string | null)[] = [];
      for (let k = 0; k < n; k++) t.push(productTerm(`C${k}_${j}`, `H${i * n + k}`, sH?.[i * n + k]));
      const r = sR !== undefined && sR[i * m + j] === 0 ? "" : ` + R[${i * m + j}]`;
      c.push(`S[${i * m + j}] = ${sum(t)}${r};`);
    }
  }
  const fn = new Function("P", "H", "R", "C", "S", c.join("\n")) as InnovationCovarianceKernel;
  innovationCache.set(key, fn);
  return fn;
}

/** The generated {@link UnscentedGainKernel} for state dimension n and measurement dimension m. */
export function unscentedGainKernel(n: number, m: number): UnscentedGainKernel {
  const key = `${n}:${m}`;
  const hit = unscentedCache.get(key);
  if (hit !== undefined) return hit;
  const c: string[] = ['"use strict";'];
  gainPrelude(c, n, m);
  for (let i = 0; i < m * m; i++) c.push(`const S${i} = S[${i}];`);
  // KS = K S (n×m)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const t: string[] = [];
      for (let k = 0; k < m; k++) t.push(`K${i}_${k} * S${k * m + j}`);
      c.push(`const KS${i}_${j} = ${sum(t)};`);
    }
  }
  c.push("let acc = 0;");
  const entry = (i: number, j: number) => {
    const t: string[] = [];
    for (let k = 0; k < m; k++) t.push(`KS${i}_${k} * K${j}_${k}`);
    return `P[${i * n + j}] - (${sum(t)})`;
  };
  const writes: string[] = [];
  for (let i = 0; i < n; i++) {
    c.push(`const D${i}_${i} = ${entry(i, i)};`);
    writes.push(`P[${i * n + i}] = D${i}_${i}; acc += D${i}_${i} * 0 + x[${i}] * 0;`);
    for (let j = i + 1; j < n; j++) {
      c.push(`const D${i}_${j} = ${entry(i, j)};`);
      writes.push(`P[${i * n + j}] = D${i}_${j}; P[${j * n + i}] = D${i}_${j}; acc += D${i}_${j} * 0;`);
    }
  }
  c.push(...writes);
  c.push("return acc === 0;");
  const fn = new Function("LS", "C", "y", "x", "S", "K", "P", c.join("\n")) as UnscentedGainKernel;
  unscentedCache.set(key, fn);
  return fn;
}

/** Lower Cholesky factor L of an n×n SPD matrix A (full L written, zeros above); false on a non-positive pivot. */
export type CholeskyKernel = (A: Float64Array, L: Float64Array) => boolean;

const choleskyCache = new Map<number, CholeskyKernel>();

/** The generated {@link CholeskyKernel} for dimension n (same arithmetic as `choleskyLower`). */
export function choleskyKernel(n: number): CholeskyKernel {
  const hit = choleskyCache.get(n);
  if (hit !== undefined) return hit;
  const c: string[] = ['"use strict";', "let s = 0;"];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const terms = [`A[${i * n + j}]`];
      for (let k = 0; k < j; k++) terms.push(`- L${i}_${k} * L${j}_${k}`);
      c.push(`s = ${terms.join(" ")};`);
      if (i === j) {
        c.push("if (!(s > 0) || s === Infinity) return false;");
        c.push(`const L${i}_${i} = Math.sqrt(s);`);
      } else {
        c.push(`const L${i}_${j} = s / L${j}_${j};`);
      }
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) c.push(`L[${i * n + j}] = ${j <= i ? `L${i}_${j}` : "0"};`);
  c.push("return true;");
  const fn = new Function("A", "L", c.join("\n")) as CholeskyKernel;
  choleskyCache.set(n, fn);
  return fn;
}
