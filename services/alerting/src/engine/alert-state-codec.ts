import type { AcknowledgementEntry, AlertEntry, SilenceEntry } from "./alert-entry.ts";

/**
 * Changelog record keys of `alerting.state.v1`: `a/<owner>/<fingerprint>` (alert entries, written in the
 * owner partition's transactions), `k/<fingerprint>` (acknowledgements) and `s/<id>` (silences), both written
 * by the gRPC service.
 */
export const stateKeys = {
  alert: (owner: string, fp: string) => `a/${owner}/${fp}`,
  acknowledgement: (fp: string) => `k/${fp}`,
  silence: (id: string) => `s/${id}`,
} as const;

/** What a changelog key names. */
export type StateKey =
  | { readonly kind: "alert"; readonly owner: string; readonly fingerprint: string }
  | { readonly kind: "acknowledgement"; readonly fingerprint: string }
  | { readonly kind: "silence"; readonly id: string };

/** Parses a changelog key; undefined for keys that are none of ours. */
export function parseStateKey(key: string): StateKey | undefined {
  if (key.startsWith("a/")) {
    const slash = key.lastIndexOf("/");
    if (slash <= 2) return undefined;
    return { kind: "alert", owner: key.slice(2, slash), fingerprint: key.slice(slash + 1) };
  }
  if (key.startsWith("k/")) return { kind: "acknowledgement", fingerprint: key.slice(2) };
  if (key.startsWith("s/")) return { kind: "silence", id: key.slice(2) };
  return undefined;
}

const version = 1;

/**
 * Encodes an alert entry as versioned JSON bytes for the compacted changelog.
 *
 * Why JSON: every field is a string, an integer millisecond count or null, which JSON round-trips exactly, and
 * an operator can read the changelog with kafka-console-consumer.
 */
export function encodeAlertEntry(entry: AlertEntry): Buffer {
  return Buffer.from(JSON.stringify({ v: version, alert: entry }));
}

/** Decodes {@link encodeAlertEntry}'s bytes; throws on another version or a malformed record. */
export function decodeAlertEntry(bytes: Uint8Array): AlertEntry {
  return unwrap<AlertEntry>(bytes, "alert");
}

/** Encodes an acknowledgement record. */
export function encodeAcknowledgement(ack: AcknowledgementEntry): Buffer {
  return Buffer.from(JSON.stringify({ v: version, acknowledgement: ack }));
}

/** Decodes an acknowledgement record. */
export function decodeAcknowledgement(bytes: Uint8Array): AcknowledgementEntry {
  return unwrap<AcknowledgementEntry>(bytes, "acknowledgement");
}

/** Encodes a silence record. */
export function encodeSilence(silence: SilenceEntry): Buffer {
  return Buffer.from(JSON.stringify({ v: version, silence }));
}

/** Decodes a silence record. */
export function decodeSilence(bytes: Uint8Array): SilenceEntry {
  return unwrap<SilenceEntry>(bytes, "silence");
}

function unwrap<T>(bytes: Uint8Array, field: string): T {
  const parsed = JSON.parse(Buffer.from(bytes).toString("utf8")) as Record<string, unknown>;
  if (parsed.v !== version || typeof parsed[field] !== "object" || parsed[field] === null) {
    throw new Error(`not a version ${version} ${field} record`);
  }
  return parsed[field] as T;
}
