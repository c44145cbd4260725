import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { DeadLetterRecordSchema, SourcePositionSchema } from "@twinstate/proto";
import type { ConsumedMessage, Logger, OutputRecord } from "@twinstate/runtime";
import type { IngestMetrics } from "../metrics/ingest-metrics.ts";
import { PROTO_REASON } from "../validation/index.ts";
import { boundDeadLetter, truncationHeaders } from "./bounded-dead-letter.ts";
import { REASON_HEADER } from "./outcome-record.ts";

/** Options of {@link createOversizedOutputReplacer}. */
export interface OversizedOutputReplacerOptions {
  /** The dead-letter topic the replacement goes to. */
  readonly dlq: string;
  readonly metrics: IngestMetrics;
  readonly logger: Logger;
  /** The ingestion clock, ms since the epoch (the replacement's `rejected_at`). */
  readonly clock: () => number;
}

/** What the hook reads of the runtime's RecordTooLargeError (not exported by @twinstate/runtime). */
export interface OversizedRecordInfo {
  /** Estimated encoded size of the refused record (bytes). */
  readonly bytes: number;
  /** The record limit it exceeded (bytes). */
  readonly limit: number;
}

function bytesOf(value: Buffer | string | null | undefined): Uint8Array {
  if (value === null || value === undefined) return new Uint8Array(0);
  return typeof value === "string" ? Buffer.from(value, "utf8") : value;
}

/**
 * The `onRecordTooLarge` hook of ingest's TransactionalBatchProcessor: an output record over the broker limit
 * becomes a TOO_LARGE dead letter whose `original` is the first 64 KiB of the input (with its length and SHA-256,
 * see {@link boundDeadLetter}) and whose source is the input's topic/partition/offset. Counted in
 * `twinstate_ingest_oversized_outputs_replaced_total`.
 *
 * Why: the last line of defence of the conservation invariant. `outcomeRecord` already bounds dead letters, but
 * any output the processor would refuse (e.g. a valid reading enlarged past the limit) must still leave exactly
 * one record per input instead of being dropped.
 */
export function createOversizedOutputReplacer(
  options: OversizedOutputReplacerOptions,
): (error: OversizedRecordInfo, record: OutputRecord, source: ConsumedMessage | undefined) => OutputRecord[] {
  const logger = options.logger.child({ component: "oversized-output-replacer" });
  return (error, record, source) => {
    const key = typeof record.key === "string" ? record.key : (record.key?.toString("utf8") ?? "");
    const slash = key.indexOf("/");
    const dead = create(DeadLetterRecordSchema, {
      original: source === undefined ? bytesOf(record.value) : bytesOf(source.value),
      reason: PROTO_REASON.TOO_LARGE,
      reasonDetail: `output record for ${record.topic} of ${error.bytes} bytes exceeds the ${error.limit}-byte record limit`,
      rejectedAt: timestampFromMs(options.clock()),
      tenant: slash > 0 ? key.slice(0, slash) : "",
      asset: slash > 0 ? key.slice(slash + 1) : "",
      ...(source === undefined
        ? {}
        : {
            source: create(SourcePositionSchema, {
              origin: {
                case: "kafka",
                value: { topic: source.topic, partition: source.partition, offset: BigInt(source.offset) },
              },
            }),
          }),
    });
    const bounded = boundDeadLetter(dead, undefined, true);
    options.metrics.oversizedOutputReplaced(record.topic);
    logger.warn(
      { topic: record.topic, bytes: error.bytes, limit: error.limit, sha256: bounded.truncation?.sha256 },
      "oversized output replaced by a TOO_LARGE dead letter",
    );
    const value = Buffer.from(bounded.value.buffer, bounded.value.byteOffset, bounded.value.byteLength);
    return [
      {
        topic: options.dlq,
        key: key === "" || key.length > 2048 ? null : key,
        value,
        headers: { [REASON_HEADER]: "TOO_LARGE", ...truncationHeaders(bounded.truncation) },
      },
    ];
  };
}
