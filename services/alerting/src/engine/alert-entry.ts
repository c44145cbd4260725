import type { LabelMatcherSpec } from "./label-matcher.ts";

/** Lifecycle of an alert inside the engine: pending (condition holds, `for` not yet elapsed), firing, resolved. */
export type AlertPhase = "pending" | "firing" | "resolved";

/** Who acknowledged an alert, when (wall clock, ms) and which firing (its startsAt) it acknowledged. */
export interface AcknowledgementEntry {
  readonly fingerprint: string;
  readonly tenant: string;
  readonly by: string;
  readonly atMs: number;
  readonly comment: string;
  /** startsAt of the firing it acknowledged: an acknowledgement ends when the alert fires again. */
  readonly startsAtMs: number;
}

/**
 * One alert as the engine keeps it: plain JSON data, so it serializes exactly into the changelog.
 * Times are event-time milliseconds since the epoch (the estimate's or drift event's time).
 */
export interface AlertEntry {
  readonly fingerprint: string;
  /** The input partition that owns it, e.g. "drift:3" or "estimates:3" (see `ownerOf`). */
  readonly owner: string;
  readonly ruleId: string;
  readonly tenant: string;
  readonly asset: string;
  readonly labels: Readonly<Record<string, string>>;
  annotations: Record<string, string>;
  phase: AlertPhase;
  /** When the condition began to hold (start of pending). */
  activeSinceMs: number;
  /** When it started firing (= activeSinceMs, as Prometheus reports ActiveAt); null while pending. */
  startsAtMs: number | null;
  /** When it resolved; null unless resolved. */
  endsAtMs: number | null;
  /** Last event time the condition was seen to hold. */
  lastSeenMs: number;
  /** Last change of phase, acknowledgement or silencing. */
  updatedAtMs: number;
  acknowledgement: AcknowledgementEntry | null;
  /** Ids of silences that matched at the last transition. */
  silencedBy: string[];
}

/** A silence: matchers (all must match, within the tenant) and a time window (wall clock, ms). */
export interface SilenceEntry {
  readonly id: string;
  readonly tenant: string;
  readonly matchers: readonly LabelMatcherSpec[];
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly createdBy: string;
  readonly comment: string;
}

/** The owner name of an input partition: the source kind and the partition number. */
export function ownerOf(source: "drift" | "estimates", partition: number): string {
  return `${source}:${partition}`;
}
