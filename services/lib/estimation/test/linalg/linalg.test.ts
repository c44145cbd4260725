import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import { choleskyLower, choleskySemidefinite } from "../../src/linalg/cholesky.ts";
import { choleskyLogDeterminant, choleskyQuadraticForm, choleskySolve } from "../../src/linalg/cholesky-solve.ts";
import { invert } from "../../src/linalg/invert.ts";
import { symmetrize } from "../../src/linalg/matrix-elementwise.ts";
import { multiply, multiplyABt } from "../../src/linalg/matrix-multiply.ts";
import { nearestSpd } from "../../src/linalg/nearest-spd.ts";
import { SpdFactorizer } from "../../src/linalg/spd-factorizer.ts";

function randomSpd(n: number, values: number[]): Float64Array {
  const A = Float64Array.from(values.slice(0, n * n));
  const S = new Float64Array(n * n);
  multiplyABt(A, A, S, n, n, n);
  for (let i = 0; i < n; i++) S[i * n + i] = (S[i * n + i] as number) + 0.1;
  return S;
}

const spdArb = fc
  .integer({ min: 1, max: 6 })
  .chain((n) =>
    fc.tuple(
      fc.constant(n),
      fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: n * n, maxLength: n * n }),
    ),
  );

describe("dense kernels", () => {
  test("multiply and multiplyABt agree with hand results", () => {
    const A = new Float64Array([1, 2, 3, 4, 5, 6]); // 2×3
    const B = new Float64Array([7, 8, 9, 10, 11, 12]); // 3×2
    const out = new Float64Array(4);
    multiply(A, B, out, 2, 3, 2);
    expect(Array.from(out)).toEqual([58, 64, 139, 154]);
    multiplyABt(A, A, out, 2, 3, 2);
    expect(Array.from(out)).toEqual([14, 32, 32, 77]);
  });

  test("property: L·Lᵀ reproduces an SPD matrix; solve, log-det, quadratic form and inverse are consistent", () => {
    fc.assert(
      fc.property(spdArb, ([n, values]) => {
        const S = randomSpd(n, values);
        const L = new Float64Array(n * n);
        expect(choleskyLower(S, L, n)).toBe(true);
        const LLt = new Float64Array(n * n);
        multiplyABt(L, L, LLt, n, n, n);
        for (let i = 0; i < n * n; i++) expect(Math.abs((LLt[i] as number) - (S[i] as number))).toBeLessThan(1e-9);
        const inv = new Float64Array(n * n);
        expect(invert(S, inv, new Float64Array(n * n), n)).toBe(true);
        const X = new Float64Array(n * n);
        const I = new Float64Array(n * n);
        for (let i = 0; i < n; i++) I[i * n + i] = 1;
        choleskySolve(L, I, X, n, n);
        for (let i = 0; i < n * n; i++)
          expect(Math.abs((X[i] as number) - (inv[i] as number))).toBeLessThan(1e-6 * (1 + Math.abs(inv[i] as number)));
        const y = Float64Array.from({ length: n }, (_, i) => i - 1);
        const q = choleskyQuadraticForm(L, y, new Float64Array(n), n);
        let q2 = 0;
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) q2 += (y[i] as number) * (inv[i * n + j] as number) * (y[j] as number);
        expect(Math.abs(q - q2)).toBeLessThan(1e-6 * (1 + Math.abs(q2)));
        expect(Number.isFinite(choleskyLogDeterminant(L, n))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  test("Cholesky fails on indefinite input; the semidefinite variant accepts rank-deficient PSD input", () => {
    const L = new Float64Array(4);
    expect(choleskyLower(new Float64Array([1, 2, 2, 1]), L, 2)).toBe(false);
    const q = 0.05;
    const dt = 0.1;
    const Q = new Float64Array([(q * dt ** 4) / 4, (q * dt ** 3) / 2, (q * dt ** 3) / 2, q * dt * dt]); // rank 1
    expect(choleskySemidefinite(Q, L, 2)).toBe(true);
    const back = new Float64Array(4);
    multiplyABt(L, L, back, 2, 2, 2);
    for (let i = 0; i < 4; i++) expect(Math.abs((back[i] as number) - (Q[i] as number))).toBeLessThan(1e-15);
  });

  test("nearestSpd (Higham 1988): [[1,2],[2,1]] → 1.5·[[1,1],[1,1]] (+ a tiny floor), then Cholesky succeeds", () => {
    const out = new Float64Array(4);
    nearestSpd(new Float64Array([1, 2, 2, 1]), out, new Float64Array(3 * 4 + 2), 2);
    for (const v of out) expect(Math.abs(v - 1.5)).toBeLessThan(1e-10);
    expect(choleskyLower(out, new Float64Array(4), 2)).toBe(true);
  });

  test("SpdFactorizer counts jitters and repairs and writes the repaired matrix back", () => {
    const counters = { choleskyJitters: 0, choleskyRepairs: 0, choleskyFailures: 0 };
    const f = new SpdFactorizer(2, counters);
    const L = new Float64Array(4);
    const nearlySingular = new Float64Array([1, 1, 1, 1 - 1e-17]);
    expect(f.factor(nearlySingular, L)).toBe(true);
    expect(counters.choleskyJitters).toBe(1);
    const indefinite = new Float64Array([1, 2, 2, 1]);
    expect(f.factor(indefinite, L)).toBe(true);
    expect(counters.choleskyRepairs).toBe(1);
    expect(choleskyLower(indefinite, L, 2)).toBe(true);
    expect(f.factor(new Float64Array([Number.NaN, 0, 0, 1]), L)).toBe(false);
    expect(counters.choleskyFailures).toBe(1);
  });

  test("symmetrize makes A[i,j] and A[j,i] bit-identical", () => {
    const A = new Float64Array([1, 0.1 + 0.2, 0.3, 2]);
    symmetrize(A, 2);
    expect(A[1]).toBe(A[2]);
  });
});
