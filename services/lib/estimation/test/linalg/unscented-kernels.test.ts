import { describe, expect, test } from "@jest/globals";
import { MerweScaledSigmaPoints, writeSigmaPoints } from "../../src/filters/sigma-points.ts";
import { choleskyLower } from "../../src/linalg/cholesky.ts";
import { symmetrize } from "../../src/linalg/matrix-elementwise.ts";
import { multiplyABt } from "../../src/linalg/matrix-multiply.ts";
import { sigmaPointsKernel, unscentedCrossKernel, unscentedMomentsKernel } from "../../src/linalg/unscented-kernels.ts";

let seed = 9;
const rnd = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 4294967296 - 0.5;
};

function spd(n: number): Float64Array {
  const A = Float64Array.from({ length: n * n }, rnd);
  const P = new Float64Array(n * n);
  multiplyABt(A, A, P, n, n, n);
  for (let i = 0; i < n; i++) P[i * n + i] = (P[i * n + i] as number) + 1;
  return P;
}

/** Entry-wise === (bit-identical up to the sign of zero). */
function same(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

describe("generated unscented kernels equal the generic computation bit for bit", () => {
  for (const [n, m] of [
    [1, 1],
    [2, 1],
    [4, 2],
    [6, 3],
  ] as const) {
    test(`n = ${n}, m = ${m}`, () => {
      const sp = new MerweScaledSigmaPoints(n, 0.5, 2, 3 - n);
      const ns = sp.numSigmas;
      for (let trial = 0; trial < 20; trial++) {
        const P = spd(n);
        const x = Float64Array.from({ length: n }, rnd);
        // sigma points: chol(c·P) then writeSigmaPoints
        const A = P.map((v) => sp.scale * v);
        const L = new Float64Array(n * n);
        expect(choleskyLower(A, L, n)).toBe(true);
        const chi = new Float64Array(ns * n);
        writeSigmaPoints(x, L, n, chi);
        const chi2 = new Float64Array(ns * n);
        expect(sigmaPointsKernel(n)(x, P, sp.scale, chi2)).toBe(true);
        expect(same(chi, chi2)).toBe(true);
        // predict moments: x = Σ Wm χf, P = Σ (Wc d) dᵀ + Q, symmetrized
        const chiF = chi.map((v) => v + rnd());
        const Q = spd(n);
        const xr = new Float64Array(n);
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let i = 0; i < ns; i++) s += (sp.Wm[i] as number) * (chiF[i * n + j] as number);
          xr[j] = s;
        }
        const Pr = new Float64Array(n * n);
        for (let a = 0; a < n; a++) {
          for (let b = 0; b < n; b++) {
            let s = 0;
            for (let i = 0; i < ns; i++) {
              s +=
                (sp.Wc[i] as number) *
                ((chiF[i * n + a] as number) - (xr[a] as number)) *
                ((chiF[i * n + b] as number) - (xr[b] as number));
            }
            Pr[a * n + b] = s + (Q[a * n + b] as number);
          }
        }
        symmetrize(Pr, n);
        const [x2, P2] = [new Float64Array(n), new Float64Array(n * n)];
        expect(unscentedMomentsKernel(n, ns)(chiF, sp.Wm, sp.Wc, Q, x2, P2)).toBe(true);
        expect(same(xr, x2)).toBe(true);
        expect(same(Pr, P2)).toBe(true);
        // update sums: S = Σ (Wc r) rᵀ + R, C = Σ (Wc (χ − x)) rᵀ
        const res = Float64Array.from({ length: ns * m }, rnd);
        const R = spd(m);
        const [S, C] = [new Float64Array(m * m), new Float64Array(n * m)];
        for (let a = 0; a < m; a++) {
          for (let b = 0; b < m; b++) {
            let s = 0;
            for (let i = 0; i < ns; i++)
              s += (sp.Wc[i] as number) * (res[i * m + a] as number) * (res[i * m + b] as number);
            S[a * m + b] = s + (R[a * m + b] as number);
          }
        }
        for (let a = 0; a < n; a++) {
          for (let b = 0; b < m; b++) {
            let s = 0;
            for (let i = 0; i < ns; i++) {
              s += (sp.Wc[i] as number) * ((chi[i * n + a] as number) - (x[a] as number)) * (res[i * m + b] as number);
            }
            C[a * m + b] = s;
          }
        }
        const [S2, C2] = [new Float64Array(m * m), new Float64Array(n * m)];
        unscentedCrossKernel(n, ns, m)(res, chi, x, sp.Wc, R, S2, C2);
        expect(same(S, S2)).toBe(true);
        expect(same(C, C2)).toBe(true);
      }
    });
  }

  test("the sigma-point kernel refuses a non-positive-definite c·P and writes nothing", () => {
    const out = new Float64Array(5 * 2).fill(7);
    expect(sigmaPointsKernel(2)(Float64Array.of(1, 2), Float64Array.of(1, 2, 2, 1), 3, out)).toBe(false);
    expect([...out].every((v) => v === 7)).toBe(true);
  });
});
