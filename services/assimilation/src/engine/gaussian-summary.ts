import { create } from "@bufbuild/protobuf";
import { normalQuantile } from "@twinstate/estimation";
import { type IntervalBand, IntervalBandSchema } from "@twinstate/proto";

/**
 * Packs the upper triangle of a symmetric n×n row-major matrix: M11, M12, …, M1n, M22, …, Mnn
 * (the layout of StateEstimate.covariance and Innovation.covariance).
 */
export function packUpper(M: ArrayLike<number>, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) out.push(M[i * n + j] as number);
  return out;
}

/** Marginal standard deviations sqrt(P_ii) (negative round-off clamped to 0). */
export function marginalStd(P: ArrayLike<number>, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Math.sqrt(Math.max(0, P[i * n + i] as number)));
  return out;
}

const zCache = new Map<number, number>();

/** z = Φ⁻¹((1 + level)/2) for a central interval at `level`, memoized (levels come from a few definitions). */
export function centralZ(level: number): number {
  let z = zCache.get(level);
  if (z === undefined) {
    z = normalQuantile((1 + level) / 2);
    if (zCache.size < 1024) zCache.set(level, z);
  }
  return z;
}

/** Central Gaussian intervals mean ± z·std with z = Φ⁻¹((1 + level)/2), one band per level. */
export function gaussianIntervals(
  mean: ArrayLike<number>,
  std: readonly number[],
  levels: readonly number[],
): IntervalBand[] {
  return levels.map((level) => {
    const z = centralZ(level);
    const lower: number[] = [];
    const upper: number[] = [];
    for (let i = 0; i < std.length; i++) {
      lower.push((mean[i] as number) - z * (std[i] as number));
      upper.push((mean[i] as number) + z * (std[i] as number));
    }
    return create(IntervalBandSchema, { level, lower, upper });
  });
}

/** True when every number is finite (invariant 4: nothing non-finite is ever published). */
export function allNumbersFinite(...groups: readonly ArrayLike<number>[]): boolean {
  for (const g of groups) for (let i = 0; i < g.length; i++) if (!Number.isFinite(g[i])) return false;
  return true;
}
