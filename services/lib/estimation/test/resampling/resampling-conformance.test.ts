import { describe, expect, test } from "@jest/globals";
import { multinomialResample } from "../../src/resampling/multinomial-resample.ts";
import type { Resampler } from "../../src/resampling/resampler.ts";
import { residualResample } from "../../src/resampling/residual-resample.ts";
import { stratifiedResample } from "../../src/resampling/stratified-resample.ts";
import { systematicResample } from "../../src/resampling/systematic-resample.ts";
import { loadConformance } from "../support/conformance-fixture.ts";

interface ResampleCase {
  id: string;
  N: number;
  weights: number[];
  draws: number[];
  expected_indices: number[];
  expected_indices_corrected?: number[];
}

const golden = loadConformance<{ cases: Record<string, ResampleCase[]> }>("resampling.json");

const schemes: [string, Resampler, "expected_indices" | "expected_indices_corrected"][] = [
  ["systematic_resample", systematicResample, "expected_indices"],
  ["stratified_resample", stratifiedResample, "expected_indices"],
  ["multinomial_resample", multinomialResample, "expected_indices"],
  ["residual_resample", residualResample, "expected_indices_corrected"],
];

describe("FilterPy conformance: resampling from recorded draws", () => {
  for (const [key, resample, field] of schemes) {
    const cases = golden.cases[key] as ResampleCase[];
    test(`${key}: all ${cases.length} cases give exactly the expected indices and consume exactly the draws`, () => {
      expect(cases.length).toBe(20);
      for (const c of cases) {
        let next = 0;
        const uniform = (): number => {
          if (next >= c.draws.length) throw new Error(`${c.id}: more draws consumed than recorded`);
          return c.draws[next++] as number;
        };
        const out = new Int32Array(c.N);
        resample(Float64Array.from(c.weights), uniform, out, new Float64Array(c.N));
        expect({ id: c.id, indices: Array.from(out) }).toEqual({ id: c.id, indices: c[field] });
        expect({ id: c.id, used: next }).toEqual({ id: c.id, used: c.draws.length });
      }
    });
  }

  test("the residual resampler differs from FilterPy's literal output exactly where bug #290 bites", () => {
    let affected = 0;
    for (const c of golden.cases.residual_resample as (ResampleCase & { filterpy_bug_290_affects_case: boolean })[]) {
      if (c.filterpy_bug_290_affects_case) affected++;
      else expect(c.expected_indices_corrected).toEqual(c.expected_indices);
    }
    expect(affected).toBe(13);
  });
});
