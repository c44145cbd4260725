import type { FactorizationCounters } from "../linalg/spd-factorizer.ts";

/**
 * Counters a filter keeps about itself, for the filter-health dashboard and for tests: how many steps
 * ran, were gated or rejected, and how often the numerical safety nets (jitter, nearest-SPD repair) fired.
 * Serialized with the filter.
 */
export interface FilterHealth extends FactorizationCounters {
  predicts: number;
  updates: number;
  gated: number;
  rejected: number;
  /** Particle filter only: number of resampling events. */
  resamples: number;
}

/** A fresh, all-zero {@link FilterHealth}. */
export function createFilterHealth(): FilterHealth {
  return {
    predicts: 0,
    updates: 0,
    gated: 0,
    rejected: 0,
    resamples: 0,
    choleskyJitters: 0,
    choleskyRepairs: 0,
    choleskyFailures: 0,
  };
}

/** Order of the counters in the serialized form. */
export const FILTER_HEALTH_FIELDS = [
  "predicts",
  "updates",
  "gated",
  "rejected",
  "resamples",
  "choleskyJitters",
  "choleskyRepairs",
  "choleskyFailures",
] as const satisfies readonly (keyof FilterHealth)[];
