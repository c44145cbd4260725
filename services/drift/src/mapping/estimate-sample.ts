import type { EstimateSample } from "@twinstate/drift-detectors";
import { EstimateStatus, type StateEstimate } from "@twinstate/proto";

/** z_{0.95}: half-width of the central 90 % interval in standard deviations. */
export const COVERAGE_Z90 = 1.6448536269514722;

/** Why an estimate feeds no detector (a label of `twinstate_drift_estimates_skipped_total`). */
export type SkipReason = "no_innovation" | "quarantined" | "rejected" | "unspecified_status" | "bad_innovation";

/**
 * What the sample's `reading` holds: the reading z = ẑ⁻ + y when the estimate carries a usable
 * `predicted_measurement`, else the residual y (the fallback; see {@link estimateSample}).
 */
export type ReadingSource = "measurement" | "residual";

/** The detector input read off one estimate, or why there is none. */
export type SampleMapping =
  | {
      readonly kind: "sample";
      readonly sensor: string;
      readonly dimZ: number;
      readonly sample: EstimateSample;
      readonly readingSource: ReadingSource;
    }
  | { readonly kind: "skip"; readonly reason: SkipReason };

/**
 * Maps a `StateEstimate` to the detector suite's input for the estimate's sensor.
 *
 * What is fed (per measurement component j, m = dimZ):
 * - y and S: the innovation y = z − h(x̂⁻) and S = H P⁻ Hᵀ + R, unpacked from the estimate's packed upper
 *   triangle to a full m×m row-major matrix; nis = yᵀS⁻¹y as the estimate carries it.
 * - reading and coverage: when the innovation carries `predicted_measurement` ẑ⁻ = h(x̂⁻) (m finite entries),
 *   the reading is reconstructed as z_j = ẑ⁻_j + y_j and the coverage monitor checks z_j against its predicted
 *   central 90 % interval ẑ⁻_j ± z₀.₉₅·√S_jj. Without it (older producers: the field is empty, or unusable:
 *   wrong length or not finite) the monitor is fed y_j against the zero-centred interval ±z₀.₉₅·√S_jj — the
 *   same indicator, since z − ẑ⁻ = y (the two differ at most by rounding exactly on the interval's edge).
 * - stuck sensor: the variance-collapse test sees the normalized innovations y_j/√S_jj; its repeat test sees
 *   the reading z_j when ẑ⁻ is carried, so a frozen sensor's identical raw readings are counted however the
 *   prediction moves; without ẑ⁻ it sees y_j, counting identical residuals, which a frozen reading produces
 *   only once the filter has converged onto it.
 *
 * What is skipped, and why:
 * - QUARANTINED: the twin's numbers went bad; its mean and covariance are the last good ones and carry no
 *   new evidence about the sensor. The quarantine itself is an alert of its own (alerting service).
 * - REJECTED: the reading was not used (too old, bad quality, unknown sensor); there is no innovation.
 * - no innovation (predict-only estimates, input readings) and non-finite or non-positive S.
 * GATED estimates ARE fed: the reading failed the NIS gate, but y and S are exact — a sensor bias large
 * enough to be gated is precisely what the detectors must see, and skipping it would hide the fault.
 *
 * `index` is the position of this sample in the (twin, sensor) stream; `time` is the event time in ms.
 */
export function estimateSample(estimate: StateEstimate, index: number): SampleMapping {
  if (estimate.status === EstimateStatus.QUARANTINED) return { kind: "skip", reason: "quarantined" };
  if (estimate.status === EstimateStatus.REJECTED) return { kind: "skip", reason: "rejected" };
  if (estimate.status !== EstimateStatus.OK && estimate.status !== EstimateStatus.GATED) {
    return { kind: "skip", reason: "unspecified_status" };
  }
  const innovation = estimate.innovation;
  if (innovation === undefined || innovation.residual.length === 0 || innovation.sensor === "") {
    return { kind: "skip", reason: "no_innovation" };
  }
  const m = innovation.residual.length;
  if (innovation.covariance.length !== (m * (m + 1)) / 2) return { kind: "skip", reason: "bad_innovation" };
  const y = Float64Array.from(innovation.residual);
  const S = unpackUpper(innovation.covariance, m);
  for (let j = 0; j < m; j++) {
    const s = S[j * m + j]!;
    if (!(s > 0) || !Number.isFinite(s) || !Number.isFinite(y[j]!)) return { kind: "skip", reason: "bad_innovation" };
  }
  const half = new Float64Array(m);
  for (let j = 0; j < m; j++) half[j] = COVERAGE_Z90 * Math.sqrt(S[j * m + j]!);
  const measured = measuredReading(innovation.predictedMeasurement, y, half);
  const z = measured?.z;
  const lower = measured?.lower ?? half.map((h) => -h);
  const upper = measured?.upper ?? half;
  const time = eventTimeMs(estimate);
  const sample: EstimateSample = {
    index,
    ...(time === undefined ? {} : { time }),
    y,
    S,
    ...(Number.isFinite(innovation.nis) && innovation.nis >= 0 ? { nis: innovation.nis } : {}),
    reading: z ?? y,
    lower,
    upper,
  };
  return {
    kind: "sample",
    sensor: innovation.sensor,
    dimZ: m,
    sample,
    readingSource: z === undefined ? "residual" : "measurement",
  };
}

/**
 * The reading z = ẑ⁻ + y and its interval ẑ⁻ ± half, or undefined when `predicted` (ẑ⁻) is absent or unusable:
 * not exactly y's length, or a non-finite entry, sum or bound.
 */
function measuredReading(
  predicted: readonly number[],
  y: Float64Array,
  half: Float64Array,
): { z: Float64Array; lower: Float64Array; upper: Float64Array } | undefined {
  const m = y.length;
  if (predicted.length !== m) return undefined;
  const z = new Float64Array(m);
  const lower = new Float64Array(m);
  const upper = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const zhat = predicted[j]!;
    z[j] = zhat + y[j]!;
    lower[j] = zhat - half[j]!;
    upper[j] = zhat + half[j]!;
    if (!Number.isFinite(z[j]!) || !Number.isFinite(lower[j]!) || !Number.isFinite(upper[j]!)) return undefined;
  }
  return { z, lower, upper };
}

/** Full m×m row-major matrix from a packed upper triangle (row-major: a11, a12, …, a1m, a22, …, amm). */
export function unpackUpper(packed: readonly number[], m: number): Float64Array {
  const out = new Float64Array(m * m);
  let k = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) {
      const v = packed[k++]!;
      out[i * m + j] = v;
      out[j * m + i] = v;
    }
  }
  return out;
}

/** Event time of an estimate in ms since the epoch, or undefined when it has none. */
export function eventTimeMs(estimate: StateEstimate): number | undefined {
  const t = estimate.eventTime;
  if (t === undefined) return undefined;
  return Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6);
}
