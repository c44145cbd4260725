import { InvalidDetectorConfigError } from "../errors/invalid-detector-config-error.ts";
import { solveThresholdForArl } from "./solve-threshold-for-arl.ts";

/**
 * Siegmund's approximation of the average run length of a one-sided CUSUM on N(μ, 1) observations.
 *
 * The CUSUM C_n = max(0, C_{n−1} + x_n − k) signals when C_n ≥ h. With Δ = μ − k and the corrected
 * boundary b = h + 1.166 (Siegmund 1985, "Sequential Analysis", §X.2):
 *
 *   ARL ≈ (exp(−2Δb) + 2Δb − 1) / (2Δ²),   and ARL ≈ b² when Δ = 0.
 *
 * In control (μ = 0) this is ARL₀ = (exp(2kb) − 2kb − 1) / (2k²). The approximation is within a few
 * percent for the usual k ∈ [0.25, 1.5], h ∈ [2, 15]; `cusumArlMarkovChain` cross-checks it numerically.
 */
export function siegmundArl(k: number, h: number, mu = 0): number {
  const delta = mu - k;
  const b = h + 1.166;
  if (Math.abs(delta) < 1e-9) return b * b;
  return (Math.exp(-2 * delta * b) + 2 * delta * b - 1) / (2 * delta * delta);
}

/**
 * Average run length of the two-sided CUSUM made of an upper and a lower one-sided chart with the same k
 * and h, under N(μ, 1): 1/ARL = 1/ARL⁺ + 1/ARL⁻ (Lucas & Crosier 1982; accurate in control, a close
 * approximation elsewhere). The lower chart sees −x, so ARL⁻(μ) = ARL⁺(−μ).
 */
export function twoSidedCusumArl(k: number, h: number, mu = 0): number {
  const up = siegmundArl(k, h, mu);
  const down = siegmundArl(k, h, -mu);
  return 1 / (1 / up + 1 / down);
}

/**
 * Solves for the CUSUM threshold h that gives a target in-control average run length ARL₀ with reference
 * value k (Siegmund's approximation; two-sided: 1/ARL₀ = 1/ARL⁺ + 1/ARL⁻).
 *
 * Why: operators think in "one false alarm per N readings", not in raw h; this turns that into h.
 */
export function cusumThresholdForArl(arl0: number, k: number, sides: 1 | 2 = 2): number {
  if (!(k > 0) || !Number.isFinite(k)) {
    throw new InvalidDetectorConfigError("CUSUM reference value k must be > 0", { k });
  }
  return solveThresholdForArl((h) => (sides === 2 ? twoSidedCusumArl(k, h) : siegmundArl(k, h)), arl0);
}
