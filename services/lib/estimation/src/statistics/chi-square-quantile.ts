import { inverseRegularizedGamma } from "./incomplete-gamma.ts";

/**
 * Quantile of the chi-square distribution with k degrees of freedom: x with P(χ²ₖ ≤ x) = probability.
 *
 * χ²ₖ is Gamma(k/2, scale 2), so x = 2·P⁻¹(k/2, probability) with P the regularized lower incomplete gamma.
 * Used for NIS gates: an innovation is gated when nis > chiSquareQuantile(probability, dimZ).
 */
export function chiSquareQuantile(probability: number, k: number): number {
  if (!(probability >= 0 && probability <= 1) || !(k > 0)) return Number.NaN;
  if (k === 2) return -2 * Math.log1p(-probability); // closed form: P(χ²₂ ≤ x) = 1 − e^{−x/2}
  return 2 * inverseRegularizedGamma(probability, k / 2);
}
