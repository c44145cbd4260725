import type { OutputRecord } from "@twinstate/runtime";
import { encodeDeadLetterRecord, encodeValidatedReading } from "../codec/index.ts";
import type { ValidationOutcome } from "../validation/index.ts";

/** The two output topics of ingest. */
export interface OutcomeTopics {
  readonly valid: string;
  readonly dlq: string;
}

/** Header carrying the stable reason code on every dead-letter record (readable without decoding). */
export const REASON_HEADER = "twinstate-reason";

function buffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The Kafka record of a validation outcome: a ValidatedReading on the valid topic keyed `tenant/asset`, or a
 * DeadLetterRecord on the dead-letter topic (keyed `tenant/asset` when known, else unkeyed) with the reason
 * code in the `twinstate-reason` header.
 */
export function outcomeRecord(outcome: ValidationOutcome, topics: OutcomeTopics): OutputRecord {
  if (outcome.accepted) {
    return {
      topic: topics.valid,
      key: outcome.key,
      value: buffer(encodeValidatedReading(outcome.reading)),
    };
  }
  return {
    topic: topics.dlq,
    key: outcome.key === "" ? null : outcome.key,
    value: buffer(encodeDeadLetterRecord(outcome.record)),
    headers: { [REASON_HEADER]: outcome.reason },
  };
}
