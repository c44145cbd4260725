import { create } from "@bufbuild/protobuf";
import type { FilterBase } from "@twinstate/estimation";
import { type IntervalBand, IntervalBandSchema } from "@twinstate/proto";
import { gaussianIntervals } from "./gaussian-summary.ts";

/**
 * Central intervals of a filter's current estimate, one band per level: for a particle filter the weighted
 * particle quantiles [q((1−level)/2), q((1+level)/2)] per variable (`ParticleFilter.intervals`, built on the
 * library's `weightedQuantile`), for Gaussian filters mean ± z·σ with z = Φ⁻¹((1+level)/2).
 *
 * Why not mean ± z·σ for particles: a particle twin exists because its posterior is not Gaussian (skewed,
 * bounded, multi-modal); Gaussian bands would misstate exactly what it was chosen to show. The quantiles are
 * a pure function of the cloud and weights (no RNG), so replay and service stay bit-identical.
 */
export function estimateIntervals(
  filter: FilterBase,
  mean: ArrayLike<number>,
  std: readonly number[],
  levels: readonly number[],
): IntervalBand[] {
  if (filter.kind !== "pf") return gaussianIntervals(mean, std, levels);
  return filter
    .intervals(levels)
    .map((band) =>
      create(IntervalBandSchema, { level: band.level, lower: Array.from(band.lower), upper: Array.from(band.upper) }),
    );
}
