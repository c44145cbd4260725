import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { DetectorState as LibraryDetectorState } from "@twinstate/drift-detectors";
import { DetectorKind, type DetectorState, DetectorStateSchema, type DriftService } from "@twinstate/proto";
import { InvalidArgumentError, principalAllows, type ServiceImplementation } from "@twinstate/runtime";
import { detectorKindOf } from "../mapping/drift-event-of.ts";
import { finiteOrClamped } from "../mapping/finite-or-clamped.ts";
import type { DriftSuites } from "../suites/drift-suites.ts";
import type { SuiteRecord } from "../suites/suite-record.ts";
import type { DriftEventIndex } from "./drift-event-index.ts";

/** What the gRPC DriftService reads. */
export interface DriftGrpcServiceOptions {
  readonly index: DriftEventIndex;
  readonly suites: DriftSuites;
}

/**
 * gRPC `DriftService`: `ListDriftEvents` from the bounded event index, `GetDetectorState` from the suites this
 * worker owns (an asset whose estimates partition another worker owns answers with no states there).
 *
 * Isolation (invariant 5): the caller is the runtime's authenticated principal (bearer token → tenant scopes and
 * roles). Both calls need a non-empty tenant and the `read` role on it (PERMISSION_DENIED otherwise), and
 * ListDriftEvents drops any event of a tenant the principal may not read, whatever the index returns.
 */
export function createDriftGrpcService(options: DriftGrpcServiceOptions): ServiceImplementation<typeof DriftService> {
  return {
    listDriftEvents: (request, context) => {
      if (request.tenant === "") throw new InvalidArgumentError("tenant is required", { details: { field: "tenant" } });
      context.requireTenant(request.tenant, "read");
      const page = options.index.list(request);
      return {
        events: page.events.filter((e) => principalAllows(context.principal, e.tenant, "read")),
        nextPageToken: page.nextPageToken,
      };
    },
    getDetectorState: (request, context) => {
      if (request.tenant === "") throw new InvalidArgumentError("tenant is required", { details: { field: "tenant" } });
      if (request.asset === "") throw new InvalidArgumentError("asset is required", { details: { field: "asset" } });
      context.requireTenant(request.tenant, "read");
      const states: DetectorState[] = [];
      for (const record of options.suites.ofAsset(request.tenant, request.asset)) {
        if (request.sensor !== "" && record.sensor !== request.sensor) continue;
        const detectors = record.suite
          .state()
          .filter((s) => request.detector === "" || s.detector === request.detector)
          .sort((a, b) => (a.detector < b.detector ? -1 : a.detector > b.detector ? 1 : 0));
        for (const s of detectors) states.push(detectorStateMessage(record, s));
      }
      return { states };
    },
  };
}

/**
 * The contract's `DetectorState` of one detector of a suite: kind, the current statistic and its threshold (same
 * scale), lifetime samples and detections, and the detector's extra figures (CUSUM's sums and allowance, ADWIN's
 * width and mean, ...). The algorithm-specific oneof is filled where the contract's shape matches the library's
 * state exactly (CUSUM's two sums). `samples` counts samples since the detector's last reset, `in_alarm` is
 * always false (detectors reset on detection). No NaN or Inf is published (invariant 4): statistic and threshold
 * are clamped, non-finite extras (e.g. the coverage of an empty window) are left out.
 */
export function detectorStateMessage(record: SuiteRecord, s: LibraryDetectorState): DetectorState {
  const kind = detectorKindOf(s.detector);
  const x = s.extra ?? {};
  const state =
    kind === DetectorKind.CUSUM
      ? { case: "cusum" as const, value: { upperSum: x.upper ?? 0, lowerSum: x.lower ?? 0 } }
      : undefined;
  const extra: Record<string, number> = {};
  for (const [name, value] of Object.entries(x)) if (Number.isFinite(value)) extra[name] = value;
  return create(DetectorStateSchema, {
    tenant: record.tenant,
    asset: record.asset,
    sensor: record.sensor,
    detector: s.detector,
    detectorKind: kind,
    twinClassVersion: record.twinClassVersion,
    samples: BigInt(s.samplesSinceReset),
    lastSequence: record.lastSequence,
    ...(Number.isNaN(record.lastEventTimeMs) ? {} : { lastEventTime: timestampFromMs(record.lastEventTimeMs) }),
    inAlarm: false,
    ...(state === undefined ? {} : { state }),
    statistic: finiteOrClamped(s.statistic),
    threshold: finiteOrClamped(s.threshold),
    samplesSeen: BigInt(s.samplesSeen),
    detections: BigInt(s.detections),
    extra,
  });
}
