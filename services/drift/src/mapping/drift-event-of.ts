import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { DetectorResult, Severity as DetectorSeverity } from "@twinstate/drift-detectors";
import { DetectorKind, type DriftEvent, DriftEventSchema, Severity, type StateEstimate } from "@twinstate/proto";
import { finiteOrClamped } from "./finite-or-clamped.ts";

/** Proto severity of a library severity. */
export function severityOf(severity: DetectorSeverity): Severity {
  switch (severity) {
    case "info":
      return Severity.INFO;
    case "warning":
      return Severity.WARNING;
    case "critical":
      return Severity.CRITICAL;
  }
}

/** Algorithm of a suite detector name ("cusum[1]" → "cusum"). */
export function algorithmOf(detector: string): string {
  const i = detector.indexOf("[");
  return i < 0 ? detector : detector.slice(0, i);
}

/**
 * Proto `DetectorKind` of a suite detector, from its algorithm name ("stuck_sensor[1]" → STUCK_SENSOR). Every
 * detector the suite builds has a kind; a name the contract does not know yet maps to UNSPECIFIED (events also
 * name the algorithm in `details["algorithm"]`).
 */
export function detectorKindOf(detector: string): DetectorKind {
  switch (algorithmOf(detector)) {
    case "cusum":
      return DetectorKind.CUSUM;
    case "page_hinkley":
      return DetectorKind.PAGE_HINKLEY;
    case "nis_window":
      return DetectorKind.NIS_WINDOW;
    case "adwin":
      return DetectorKind.ADWIN;
    case "interval_coverage":
      return DetectorKind.INTERVAL_COVERAGE;
    case "stuck_sensor":
      return DetectorKind.STUCK_SENSOR;
    case "noise_level":
      return DetectorKind.NOISE_LEVEL;
    default:
      return DetectorKind.UNSPECIFIED;
  }
}

/** Deterministic event id: the same detection in a replay gets the same id (`tenant/asset/sensor/detector/seq`). */
export function driftEventId(estimate: StateEstimate, sensor: string, detector: string): string {
  return `${estimate.tenant}/${estimate.asset}/${sensor}/${detector}/${estimate.sequence}`;
}

/**
 * The `DriftEvent` of one detection made on `estimate`'s sample of `sensor`.
 *
 * Onset: the detector's estimated first changed sample — its event time when the sample carried one
 * (CUSUM/Page-Hinkley: the sample after the chart was last 0; windowed tests: the window start; ADWIN: the
 * start of the post-cut window), and in `details` the sample indexes of onset and detection in the sensor's
 * stream. Every detector-specific figure (shift estimate, p-value, window mean) is in `details` as text.
 */
export function driftEventOf(estimate: StateEstimate, sensor: string, result: DetectorResult): DriftEvent {
  const details: Record<string, string> = {
    algorithm: algorithmOf(result.detector),
    onset_index: String(result.onset.index),
    detected_index: String(result.at.index),
  };
  if (result.direction !== undefined) details.direction = result.direction;
  for (const [k, v] of Object.entries(result.details ?? {})) details[k] = String(v);
  return create(DriftEventSchema, {
    eventId: driftEventId(estimate, sensor, result.detector),
    tenant: estimate.tenant,
    asset: estimate.asset,
    twinClassId: estimate.twinClassId,
    twinClassVersion: estimate.twinClassVersion,
    sensor,
    detector: result.detector,
    detectorKind: detectorKindOf(result.detector),
    statistic: finiteOrClamped(result.statistic),
    threshold: finiteOrClamped(result.threshold),
    ...(result.onset.time === undefined ? {} : { onsetTime: timestampFromMs(result.onset.time) }),
    ...(estimate.eventTime === undefined ? {} : { detectedTime: estimate.eventTime }),
    severity: severityOf(result.severity),
    estimateSequence: estimate.sequence,
    details,
  });
}
