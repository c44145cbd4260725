import { InvalidDetectorConfigError } from "../errors/invalid-detector-config-error.ts";

/**
 * Finds the threshold h whose in-control average run length `arlOf(h)` equals `arl0`.
 *
 * ARL grows roughly exponentially in h for every sequential test here, so g(h) = ln ARL(h) − ln ARL₀ is
 * close to linear (and ARL(0) = 1: with a zero threshold the first sample alarms): the root is bracketed by doubling, then found by regula falsi with the Illinois
 * modification (a handful of ARL evaluations instead of ~40 bisection steps — it matters when each
 * evaluation is a Markov-chain solve).
 *
 * Why: CUSUM, Page-Hinkley and the noise-level CUSUM all let operators configure "one false alarm per
 * ARL₀ samples" instead of a raw threshold; they differ only in how ARL(h) is computed.
 */
export function solveThresholdForArl(arlOf: (h: number) => number, arl0: number, tolerance = 1e-10): number {
  if (!(arl0 > 1) || !Number.isFinite(arl0)) {
    throw new InvalidDetectorConfigError("ARL0 must be a finite number > 1", { arl0 });
  }
  const target = Math.log(arl0);
  const g = (h: number): number => Math.log(arlOf(h)) - target;
  // At h = 0 every sample alarms: ARL(0) = 1.
  let lo = 0;
  let glo = -target;
  let hi = 1;
  let ghi = g(hi);
  while (ghi < 0) {
    lo = hi;
    glo = ghi;
    hi *= 2;
    if (hi > 1e9) throw new InvalidDetectorConfigError("ARL0 unreachable: threshold diverges", { arl0 });
    ghi = g(hi);
  }
  let side = 0;
  for (let i = 0; i < 200; i++) {
    const h = (lo * ghi - hi * glo) / (ghi - glo);
    const gh = g(h);
    if (Math.abs(gh) < tolerance || hi - lo < tolerance * hi) return h;
    if (gh < 0) {
      lo = h;
      glo = gh;
      if (side === -1) ghi /= 2;
      side = -1;
    } else {
      hi = h;
      ghi = gh;
      if (side === 1) glo /= 2;
      side = 1;
    }
  }
  return 0.5 * (lo + hi);
}
