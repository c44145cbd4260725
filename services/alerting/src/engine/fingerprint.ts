import { createHash } from "node:crypto";

/**
 * An alert's identity: hex SHA-256 of its label set, sorted by name and encoded as JSON pairs.
 *
 * Why: as in Alertmanager, the same labels are the same alert, so repeated detections deduplicate; JSON pairs
 * make the encoding unambiguous whatever characters names and values hold.
 */
export function fingerprint(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((name) => [name, labels[name]]);
  return createHash("sha256").update(JSON.stringify(pairs)).digest("hex");
}
