import { createHash } from "node:crypto";
import type { DeadLetterRecord } from "@twinstate/proto";
import { encodeDeadLetterRecord } from "../codec/index.ts";

/**
 * Largest encoded DeadLetterRecord ingest writes in full (bytes). The broker's record limit (the processor's
 * `maxRecordBytes`, 1,048,000 by default) also covers key, reason and trace headers, so this leaves ~88 KB for them.
 */
export const MAX_DEAD_LETTER_BYTES = 960_000;

/** How many leading bytes of the original payload a truncated dead letter keeps (64 KiB). */
export const TRUNCATED_ORIGINAL_BYTES = 65_536;

/** Longest reason detail and tenant/asset/sensor/contract string (UTF-16 units) kept in a truncated dead letter. */
export const TRUNCATED_TEXT_CHARS = 1024;

/** Header set to "true" on a dead letter whose `original` holds only the first bytes of the input. */
export const ORIGINAL_TRUNCATED_HEADER = "twinstate-original-truncated";
/** Header with the full input length (decimal bytes) on a truncated dead letter. */
export const ORIGINAL_BYTES_HEADER = "twinstate-original-bytes";
/** Header with the lowercase hex SHA-256 of the full input on a truncated dead letter. */
export const ORIGINAL_SHA256_HEADER = "twinstate-original-sha256";

/** What was cut from a dead letter to keep it under the broker's record limit. */
export interface OriginalTruncation {
  /** Length of the full original payload (bytes). */
  readonly originalBytes: number;
  /** Bytes kept in `original`. */
  readonly keptBytes: number;
  /** Lowercase hex SHA-256 of the full original payload. */
  readonly sha256: string;
}

/** A dead letter ready to publish: its encoded value, and the truncation applied (undefined when none). */
export interface BoundedDeadLetter {
  readonly record: DeadLetterRecord;
  readonly value: Uint8Array;
  readonly truncation: OriginalTruncation | undefined;
}

function cut(text: string): string {
  return text.length <= TRUNCATED_TEXT_CHARS ? text : `${text.slice(0, TRUNCATED_TEXT_CHARS)}…`;
}

/**
 * Encodes a dead letter so that it always fits in one Kafka record: when the full encoding exceeds `maxBytes`
 * (or `force` is set) the `original` keeps only its first {@link TRUNCATED_ORIGINAL_BYTES} bytes, the text
 * fields are cut to {@link TRUNCATED_TEXT_CHARS}, and `reason_detail` ends with the original length and SHA-256.
 *
 * Why: a TOO_LARGE input near the broker's 1 MB limit would otherwise yield a dead letter over it, which the
 * transactional processor cannot send: the reading would vanish (conservation invariant, ARCHITECTURE). The
 * hash and the unchanged source position keep the record traceable to its input. Both the Kafka and the gRPC
 * path go through here (via `outcomeRecord`), and so does the processor's `onRecordTooLarge` fallback.
 */
export function boundDeadLetter(
  record: DeadLetterRecord,
  maxBytes: number = MAX_DEAD_LETTER_BYTES,
  force = false,
): BoundedDeadLetter {
  if (!force) {
    const value = encodeDeadLetterRecord(record);
    if (value.length <= maxBytes) return { record, value, truncation: undefined };
  }
  const original = record.original;
  const keptBytes = Math.min(original.length, TRUNCATED_ORIGINAL_BYTES);
  const truncation: OriginalTruncation = {
    originalBytes: original.length,
    keptBytes,
    sha256: createHash("sha256").update(original).digest("hex"),
  };
  const bounded: DeadLetterRecord = {
    ...record,
    original: original.subarray(0, keptBytes),
    reasonDetail: `${cut(record.reasonDetail)} [original truncated to ${keptBytes} of ${truncation.originalBytes} bytes, sha256 ${truncation.sha256}]`,
    contractId: cut(record.contractId),
    tenant: cut(record.tenant),
    asset: cut(record.asset),
    sensor: cut(record.sensor),
  };
  return { record: bounded, value: encodeDeadLetterRecord(bounded), truncation };
}

/** The Kafka headers that mark a truncated dead letter (empty when nothing was truncated). */
export function truncationHeaders(truncation: OriginalTruncation | undefined): Record<string, string> {
  if (truncation === undefined) return {};
  return {
    [ORIGINAL_TRUNCATED_HEADER]: "true",
    [ORIGINAL_BYTES_HEADER]: String(truncation.originalBytes),
    [ORIGINAL_SHA256_HEADER]: truncation.sha256,
  };
}
