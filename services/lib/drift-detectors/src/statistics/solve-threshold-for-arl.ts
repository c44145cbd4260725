import { InvalidDetectorConfigError } from "../errors/invalid-detector-config-error.ts";

/**
 * Finds the threshold h whose in-control average run length `arlOf(h)` equals `arl0`, by doubling an upper
 * bracket and bisecting (ARL is increasing in h for every sequential test here).
 *
 * Why: CUSUM, Page-Hinkley and the noise-level CUSUM all let operators configure "one false alarm per
 * ARL₀ samples" instead of a raw threshold; they differ only in how ARL(h) is computed.
 */
export function solveThresholdForArl(arlOf: (h: number) => number, arl0: number, tolerance = 1e-10): number {
  if (!(arl0 > 1) || !Number.isFinite(arl0)) {
    throw new InvalidDetectorConfigError("ARL0 must be a finite number > 1", { arl0 });
  }
  let lo = 0;
  let hi = 1;
  while (arlOf(hi) < arl0) {
    lo = hi;
    hi *= 2;
    if (hi > 1e9) throw new InvalidDetectorConfigError("ARL0 unreachable: threshold diverges", { arl0 });
  }
  for (let i = 0; i < 200 && hi - lo > tolerance * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (arlOf(mid) < arl0) lo = mid;
    else hi = mid;
  }
  return hi;
}
