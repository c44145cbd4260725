import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type Alert, AlertSchema, AlertState } from "@twinstate/proto";
import type { AlertEntry } from "./alert-entry.ts";

/**
 * The `twinstate.alert.v1.Alert` of an engine entry, published to twin.alerts.v1 and returned by ListAlerts.
 * `silencedBy` overrides the entry's (queries pass the silences matching now).
 */
export function toAlertMessage(entry: AlertEntry, silencedBy: readonly string[] = entry.silencedBy): Alert {
  const ack = entry.acknowledgement;
  return create(AlertSchema, {
    fingerprint: entry.fingerprint,
    labels: { ...entry.labels },
    annotations: { ...entry.annotations },
    state: entry.phase === "resolved" ? AlertState.RESOLVED : AlertState.FIRING,
    startsAt: timestampFromMs(entry.startsAtMs ?? entry.activeSinceMs),
    ...(entry.endsAtMs === null ? {} : { endsAt: timestampFromMs(entry.endsAtMs) }),
    acknowledged: ack !== null,
    silenced: silencedBy.length > 0,
    ruleId: entry.ruleId,
    tenant: entry.tenant,
    ...(ack === null
      ? {}
      : {
          acknowledgement: {
            fingerprint: ack.fingerprint,
            tenant: ack.tenant,
            acknowledgedBy: ack.by,
            acknowledgedAt: timestampFromMs(ack.atMs),
            comment: ack.comment,
          },
        }),
    silencedBy: [...silencedBy],
    updatedAt: timestampFromMs(entry.updatedAtMs),
  });
}
