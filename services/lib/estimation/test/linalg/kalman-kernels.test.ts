import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import { choleskyLower } from "../../src/linalg/cholesky.ts";
import { choleskyInverse, choleskyLogDeterminant, choleskyQuadraticForm } from "../../src/linalg/cholesky-solve.ts";
import {
  choleskyKernel,
  factorNisKernel,
  gainJosephKernel,
  predictCovarianceKernel,
  unscentedGainKernel,
} from "../../src/linalg/kalman-kernels.ts";
import { multiply, multiplyABt } from "../../src/linalg/matrix-multiply.ts";

function spd(n: number, v: number[], offset: number): Float64Array {
  const A = Float64Array.from({ length: n * n }, (_, i) => v[(offset + i) % v.length] as number);
  const S = new Float64Array(n * n);
  multiplyABt(A, A, S, n, n, n);
  for (let i = 0; i < n; i++) S[i * n + i] = (S[i * n + i] as number) + 0.5;
  return S;
}

function close(a: Float64Array, b: Float64Array, tol: number): boolean {
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs((a[i] as number) - (b[i] as number)) <= tol * (1 + Math.abs(b[i] as number)))) return false;
  }
  return true;
}

const shape = fc.record({
  n: fc.integer({ min: 1, max: 8 }),
  m: fc.integer({ min: 1, max: 4 }),
  v: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 64, maxLength: 64 }),
});

describe("generated Kalman kernels agree with the generic path", () => {
  test("property: predict covariance F P Fᵀ + Q", () => {
    fc.assert(
      fc.property(shape, ({ n, v }) => {
        const F = Float64Array.from({ length: n * n }, (_, i) => v[i % 64] as number);
        const P = spd(n, v, 7);
        const Q = spd(n, v, 13);
        const FP = new Float64Array(n * n);
        const expected = new Float64Array(n * n);
        multiply(F, P, FP, n, n, n);
        multiplyABt(FP, F, expected, n, n, n);
        for (let i = 0; i < n * n; i++) expected[i] = (expected[i] as number) + (Q[i] as number);
        const got = P.slice();
        expect(predictCovarianceKernel(n)(F, got, Q, new Float64Array(n))).toBe(true);
        expect(close(got, expected, 1e-12)).toBe(true);
        for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(got[i * n + j]).toBe(got[j * n + i]);
      }),
      { numRuns: 80 },
    );
  });

  test("property: NIS, log-det, gain and Joseph update", () => {
    fc.assert(
      fc.property(shape, ({ n, m, v }) => {
        const P = spd(n, v, 3);
        const R = spd(m, v, 11);
        const H = Float64Array.from({ length: m * n }, (_, i) => v[(i + 5) % 64] as number);
        const y = Float64Array.from({ length: m }, (_, i) => v[(i + 17) % 64] as number);
        const C = new Float64Array(n * m);
        multiplyABt(P, H, C, n, n, m);
        const S = new Float64Array(m * m);
        multiply(H, C, S, m, n, m);
        for (let i = 0; i < m * m; i++) S[i] = (S[i] as number) + (R[i] as number);
        // generic
        const L = new Float64Array(m * m);
        expect(choleskyLower(S, L, m)).toBe(true);
        const nis = choleskyQuadraticForm(L, y, new Float64Array(m), m);
        const Sinv = new Float64Array(m * m);
        choleskyInverse(L, Sinv, new Float64Array(m * m), m);
        const K = new Float64Array(n * m);
        multiply(C, Sinv, K, n, m, m);
        const A = new Float64Array(n * n);
        const KH = new Float64Array(n * n);
        multiply(K, H, KH, n, m, n);
        for (let i = 0; i < n * n; i++) A[i] = -(KH[i] as number);
        for (let i = 0; i < n; i++) A[i * n + i] = (A[i * n + i] as number) + 1;
        const AP = new Float64Array(n * n);
        const expected = new Float64Array(n * n);
        multiply(A, P, AP, n, n, n);
        multiplyABt(AP, A, expected, n, n, n);
        const KR = new Float64Array(n * m);
        const KRK = new Float64Array(n * n);
        multiply(K, R, KR, n, m, m);
        multiplyABt(KR, K, KRK, n, m, n);
        for (let i = 0; i < n * n; i++) expected[i] = (expected[i] as number) + (KRK[i] as number);
        // generated
        const LS = new Float64Array(m * m);
        const out = new Float64Array(1);
        const nis2 = factorNisKernel(m)(S, y, LS, out);
        expect(Math.abs(nis2 - nis)).toBeLessThanOrEqual(1e-9 * (1 + nis));
        expect(Math.abs((out[0] as number) - choleskyLogDeterminant(L, m))).toBeLessThan(1e-9);
        const x = new Float64Array(n);
        const K2 = new Float64Array(n * m);
        const P2 = new Float64Array(n * n);
        expect(gainJosephKernel(n, m)(LS, C, y, x, P, H, R, K2, P2)).toBe(true);
        expect(close(K2, K, 1e-9)).toBe(true);
        expect(close(P2, expected, 1e-8)).toBe(true);
      }),
      { numRuns: 80 },
    );
  });

  test("property: unscented gain K = Pxz S⁻¹, x + K y, P − K S Kᵀ", () => {
    fc.assert(
      fc.property(shape, ({ n, m, v }) => {
        const P = spd(n, v, 2);
        const S = spd(m, v, 9);
        const C = Float64Array.from({ length: n * m }, (_, i) => 0.1 * (v[(i + 3) % 64] as number));
        const y = Float64Array.from({ length: m }, (_, i) => v[(i + 21) % 64] as number);
        const L = new Float64Array(m * m);
        expect(choleskyLower(S, L, m)).toBe(true);
        const Sinv = new Float64Array(m * m);
        choleskyInverse(L, Sinv, new Float64Array(m * m), m);
        const K = new Float64Array(n * m);
        multiply(C, Sinv, K, n, m, m);
        const KS = new Float64Array(n * m);
        multiply(K, S, KS, n, m, m);
        const KSK = new Float64Array(n * n);
        multiplyABt(KS, K, KSK, n, m, n);
        const expected = Float64Array.from(P, (p, i) => p - (KSK[i] as number));
        const x = new Float64Array(n);
        const expectedX = new Float64Array(n);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < m; j++)
            expectedX[i] = (expectedX[i] as number) + (K[i * m + j] as number) * (y[j] as number);
        const K2 = new Float64Array(n * m);
        const P2 = P.slice();
        expect(unscentedGainKernel(n, m)(L, C, y, x, S, K2, P2)).toBe(true);
        expect(close(K2, K, 1e-9)).toBe(true);
        expect(close(x, expectedX, 1e-9)).toBe(true);
        expect(close(P2, expected, 1e-8)).toBe(true);
      }),
      { numRuns: 80 },
    );
  });

  test("property: the generated Cholesky is bit-identical to choleskyLower and refuses indefinite input", () => {
    fc.assert(
      fc.property(shape, ({ n, v }) => {
        const A = spd(n, v, 5);
        const L1 = new Float64Array(n * n);
        const L2 = new Float64Array(n * n).fill(7);
        expect(choleskyLower(A, L1, n)).toBe(true);
        expect(choleskyKernel(n)(A, L2)).toBe(true);
        expect(Array.from(L2)).toEqual(Array.from(L1));
      }),
      { numRuns: 60 },
    );
    expect(choleskyKernel(2)(new Float64Array([1, 2, 2, 1]), new Float64Array(4))).toBe(false);
  });

  test("a non-positive-definite S makes the generated factor report NaN (the filter then takes the robust path)", () => {
    const out = new Float64Array(1);
    expect(
      factorNisKernel(2)(new Float64Array([1, 2, 2, 1]), new Float64Array([1, 1]), new Float64Array(4), out),
    ).toBeNaN();
  });
});
