import type { Severity } from "./detector.ts";

/** Ratios at or above which a detection is a warning or critical. */
export interface SeverityBands {
  readonly warning: number;
  readonly critical: number;
}

/**
 * Maps a magnitude ratio r (how far beyond "just detected" the evidence is) to a severity:
 * r ≥ critical → "critical", r ≥ warning → "warning", else "info".
 *
 * Why: every detector measures magnitude on its own scale (shift in σ, variance ratio, NIS excess); one
 * banding rule keeps the alerting service's routing uniform.
 */
export function severityFromRatio(r: number, bands: SeverityBands): Severity {
  if (r >= bands.critical) return "critical";
  if (r >= bands.warning) return "warning";
  return "info";
}
