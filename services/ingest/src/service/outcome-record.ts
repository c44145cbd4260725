import { asBuffer, type OutputRecord } from "@twinstate/runtime";
import { encodeValidatedReading } from "../codec/index.ts";
import type { ValidationOutcome } from "../validation/index.ts";
import { boundDeadLetter, truncationHeaders } from "./bounded-dead-letter.ts";

/** The two output topics of ingest. */
export interface OutcomeTopics {
  readonly valid: string;
  readonly dlq: string;
}

/** Header carrying the stable reason code on every dead-letter record (readable without decoding). */
export const REASON_HEADER = "twinstate-reason";

/** Longest dead-letter key kept (UTF-16 units); a longer `tenant/asset` would itself threaten the record limit. */
const MAX_KEY_CHARS = 2048;

function deadLetterKey(key: string): string | null {
  return key === "" || key.length > MAX_KEY_CHARS ? null : key;
}

/**
 * The Kafka record of a validation outcome: a ValidatedReading on the valid topic keyed `tenant/asset`, or a
 * DeadLetterRecord on the dead-letter topic (keyed `tenant/asset` when known, else unkeyed) with the reason
 * code in the `twinstate-reason` header.
 *
 * A dead letter that would not fit in one Kafka record (a TOO_LARGE input near the broker limit) keeps only the
 * first 64 KiB of the original and carries its length and SHA-256 in the detail and the
 * `twinstate-original-*` headers ({@link boundDeadLetter}): both the Kafka and gRPC paths come through here.
 */
export function outcomeRecord(outcome: ValidationOutcome, topics: OutcomeTopics): OutputRecord {
  if (outcome.accepted) {
    return {
      topic: topics.valid,
      key: outcome.key,
      value: asBuffer(encodeValidatedReading(outcome.reading)),
    };
  }
  const bounded = boundDeadLetter(outcome.record);
  return {
    topic: topics.dlq,
    key: outcome.key === "" || bounded.truncation !== undefined ? deadLetterKey(outcome.key) : outcome.key,
    value: asBuffer(bounded.value),
    headers: { [REASON_HEADER]: outcome.reason, ...truncationHeaders(bounded.truncation) },
  };
}
