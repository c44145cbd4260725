/** Builders of the protobuf inputs the alerting tests feed (drift events and estimates at given event times). */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  DetectorKind,
  type DriftEvent,
  DriftEventSchema,
  EstimateStatus,
  Severity,
  type StateEstimate,
  StateEstimateSchema,
} from "@twinstate/proto";

/** A drift event of `asset` detected at `atMs`. */
export function driftEvent(
  atMs: number,
  overrides: Partial<{
    tenant: string;
    asset: string;
    sensor: string;
    detector: string;
    kind: DetectorKind;
    severity: Severity;
  }> = {},
): DriftEvent {
  return create(DriftEventSchema, {
    eventId: `e-${atMs}`,
    tenant: overrides.tenant ?? "acme",
    asset: overrides.asset ?? "pump-1",
    twinClassId: "centrifugal-pump",
    twinClassVersion: 1,
    sensor: overrides.sensor ?? "temp",
    detector: overrides.detector ?? "temp-cusum",
    detectorKind: overrides.kind ?? DetectorKind.CUSUM,
    statistic: 12.5,
    threshold: 8,
    detectedTime: timestampFromMs(atMs),
    onsetTime: timestampFromMs(atMs - 1000),
    severity: overrides.severity ?? Severity.CRITICAL,
    estimateSequence: BigInt(atMs),
  });
}

/** An estimate of `asset` at `atMs` with variables [bearing_temp, rate] (P diagonal unless given). */
export function estimate(
  atMs: number,
  mean: readonly number[],
  overrides: Partial<{
    tenant: string;
    asset: string;
    twinClassId: string;
    status: EstimateStatus;
    reason: string;
    names: readonly string[];
    covariance: readonly number[];
  }> = {},
): StateEstimate {
  const names = overrides.names ?? ["bearing_temp", "rate"].slice(0, mean.length);
  const n = names.length;
  const covariance = overrides.covariance ?? packedDiagonal(n, 1);
  return create(StateEstimateSchema, {
    tenant: overrides.tenant ?? "acme",
    asset: overrides.asset ?? "pump-1",
    twinClassId: overrides.twinClassId ?? "centrifugal-pump",
    twinClassVersion: 1,
    eventTime: timestampFromMs(atMs),
    variableNames: [...names],
    mean: [...mean],
    covariance: [...covariance],
    stdDev: names.map((_, i) => Math.sqrt(covariance[i * n - (i * (i - 1)) / 2]!)),
    status: overrides.status ?? EstimateStatus.OK,
    statusReason: overrides.reason ?? "",
    sequence: BigInt(atMs),
  });
}

function packedDiagonal(n: number, value: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) out.push(i === j ? value : 0);
  return out;
}
