import { describe, expect, test } from "@jest/globals";
import fc from "fast-check";
import { copyKernel } from "../../src/linalg/copy-kernel.ts";
import {
  factorNisKernel,
  gainJosephKernel,
  innovationCovarianceKernel,
  predictCovarianceKernel,
} from "../../src/linalg/kalman-kernels.ts";
import { multiply, multiplyABt } from "../../src/linalg/matrix-multiply.ts";
import { productTerm, readStructure } from "../../src/linalg/matrix-structure.ts";

/** A matrix whose entries are drawn as exactly 0, exactly 1 or a general number (code 0/1/2). */
const structured = (len: number) =>
  fc.array(
    fc.oneof(
      fc.constant(0),
      fc.constant(1),
      fc.double({ min: -3, max: 3, noNaN: true }).filter((v) => v !== 0 && v !== 1),
    ),
    { minLength: len, maxLength: len },
  );

/** Equal entries (=== so that +0 and −0 count as equal: a dropped zero term may flip the sign of a zero sum). */
function same(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!((a[i] as number) === (b[i] as number))) return false;
  return true;
}

function spd(n: number, seed: number): Float64Array {
  const A = Float64Array.from({ length: n * n }, (_, i) => Math.sin(seed + 1.7 * i));
  const S = new Float64Array(n * n);
  multiplyABt(A, A, S, n, n, n);
  for (let i = 0; i < n; i++) S[i * n + i] = (S[i * n + i] as number) + 0.5;
  return S;
}

describe("structure-specialised Kalman kernels", () => {
  test("readStructure codes 0, 1 and other (NaN and ±Infinity are 'other') and reports changes", () => {
    const s = new Uint8Array(5).fill(255);
    expect(readStructure(Float64Array.of(0, 1, 2.5, Number.NaN, -Infinity), s)).toBe(true);
    expect([...s]).toEqual([0, 1, 2, 2, 2]);
    expect(readStructure(Float64Array.of(-0, 1, 7, 1e-300, Infinity), s)).toBe(false);
    expect(readStructure(Float64Array.of(0, 1, 1, 2, 3), s)).toBe(true);
    expect(productTerm("a", "b", 0)).toBeNull();
    expect(productTerm("a", "b", 1)).toBe("a");
    expect(productTerm("a", "b", 2)).toBe("a * b");
    expect(productTerm("a", "b", undefined)).toBe("a * b");
  });

  test("predict P ← F P Fᵀ + Q with structured F, Q equals the dense kernel bit for bit", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(fc.constant(n), structured(n * n), structured(n * n))),
        fc.integer({ min: 0, max: 1000 }),
        ([n, f, q], seed) => {
          const F = Float64Array.from(f);
          const Qa = Float64Array.from(q);
          const Q = new Float64Array(n * n);
          for (let i = 0; i < n; i++)
            for (let j = 0; j < n; j++) Q[i * n + j] = Qa[Math.min(i, j) * n + Math.max(i, j)] as number;
          const sF = new Uint8Array(n * n);
          const sQ = new Uint8Array(n * n);
          readStructure(F, sF);
          readStructure(Q, sQ);
          const x = new Float64Array(n);
          const P1 = spd(n, seed);
          const P2 = P1.slice();
          const ok1 = predictCovarianceKernel(n)(F, P1, Q, x);
          const ok2 = predictCovarianceKernel(n, sF, sQ)(F, P2, Q, x);
          return ok1 === ok2 && same(P1, P2);
        },
      ),
      { numRuns: 150 },
    );
  });

  test("C = P Hᵀ, S = H C + R and the gain/Joseph update with structured H, R equal the dense path", () => {
    fc.assert(
      fc.property(
        fc
          .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 3 }))
          .chain(([n, m]) => fc.tuple(fc.constant(n), fc.constant(m), structured(m * n))),
        fc.integer({ min: 0, max: 1000 }),
        ([n, m, h], seed) => {
          const H = Float64Array.from(h);
          const R = new Float64Array(m * m);
          for (let i = 0; i < m; i++) R[i * m + i] = i % 2 === 0 ? 1 : 0.25 + (seed % 7);
          const sH = new Uint8Array(m * n);
          const sR = new Uint8Array(m * m);
          readStructure(H, sH);
          readStructure(R, sR);
          const P = spd(n, seed);
          // dense reference: the generic products the filters fall back to
          const C1 = new Float64Array(n * m);
          const S1 = new Float64Array(m * m);
          multiplyABt(P, H, C1, n, n, m);
          multiply(H, C1, S1, m, n, m);
          for (let i = 0; i < m * m; i++) S1[i] = (S1[i] as number) + (R[i] as number);
          const C2 = new Float64Array(n * m);
          const S2 = new Float64Array(m * m);
          innovationCovarianceKernel(n, m, sH, sR)(P, H, R, C2, S2);
          if (!same(C1, C2) || !same(S1, S2)) return false;
          const LS = new Float64Array(m * m);
          const y = Float64Array.from({ length: m }, (_, i) => Math.cos(seed + i));
          if (!Number.isFinite(factorNisKernel(m)(S1, y, LS, new Float64Array(1)))) return true;
          const [x1, x2] = [new Float64Array(n).fill(1), new Float64Array(n).fill(1)];
          const [K1, K2] = [new Float64Array(n * m), new Float64Array(n * m)];
          const [Q1, Q2] = [new Float64Array(n * n), new Float64Array(n * n)];
          const ok1 = gainJosephKernel(n, m)(LS, C1, y, x1, P, H, R, K1, Q1);
          const ok2 = gainJosephKernel(n, m, sH, sR)(LS, C2, y, x2, P, H, R, K2, Q2);
          return ok1 === ok2 && same(x1, x2) && same(K1, K2) && same(Q1, Q2);
        },
      ),
      { numRuns: 150 },
    );
  });

  test("copyKernel copies exactly, unrolled and looped", () => {
    for (const len of [1, 4, 16, 144, 145, 400]) {
      const a = Float64Array.from({ length: len }, (_, i) => i * 0.5 - 3);
      const out = new Float64Array(len);
      copyKernel(len)(a, out);
      expect([...out]).toEqual([...a]);
    }
  });
});
