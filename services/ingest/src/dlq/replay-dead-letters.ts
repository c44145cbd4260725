import { fromBinary } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { type DeadLetterRecord, DeadLetterRecordSchema } from "@twinstate/proto";
import {
  type ConsumedMessage,
  type Kafka,
  KafkaProducer,
  type Logger,
  type OutputRecord,
  partitionsOf,
  readTopicToEnd,
} from "@twinstate/runtime";
import { ORIGINAL_TRUNCATED_HEADER } from "../service/bounded-dead-letter.ts";
import { type ReasonCode, reasonCodeOf } from "../validation/index.ts";

/** Which dead letters to replay; an empty list matches everything. */
export interface DeadLetterFilter {
  /** Rejected at or after (ms since the epoch). */
  readonly fromMs?: number | undefined;
  /** Rejected before (ms since the epoch). */
  readonly toMs?: number | undefined;
  readonly reasons: readonly ReasonCode[];
  readonly contracts: readonly string[];
  readonly tenants: readonly string[];
}

/** Options of {@link replayDeadLetters}. */
export interface ReplayDeadLettersOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly dlqTopic: string;
  readonly rawTopic: string;
  readonly filter: DeadLetterFilter;
  /** Count what would be replayed, produce nothing. */
  readonly dryRun: boolean;
}

/** What a replay read and did. */
export interface ReplaySummary {
  /** Dead letters read (committed ones, up to the topic's end when the replay started). */
  read: number;
  /** Of those, matching the filter. */
  matched: number;
  /** Produced back to the raw topic (0 in a dry run). */
  replayed: number;
  /** Matching, but their `original` holds only the first bytes of the input (TOO_LARGE): not replayable. */
  truncated: number;
  /** Records on the dead-letter topic that are not DeadLetterRecords (skipped). */
  undecodable: number;
  /** Matching records per reason code. */
  byReason: Record<string, number>;
}

/** Header on every replayed raw record: where its dead letter was (`topic:partition@offset`). */
export const REPLAYED_FROM_HEADER = "twinstate-replayed-from";

const BATCH = 1000;

/**
 * Publishes the original bytes of matching dead letters back to the raw topic (same key, header
 * {@link REPLAYED_FROM_HEADER}), so ingest validates them again after their cause was fixed. Each replayed reading
 * is a new raw record with its own outcome, so conservation holds; the old dead letters stay as the audit trail.
 *
 * Why the whole topic is read (read_committed, up to its end at start) rather than seeking by time: the filter is
 * on `rejected_at`, which is the ingest clock, not the record timestamp, and the dead-letter topic is small next
 * to the raw one. Dead letters whose `original` was truncated (inputs over the record limit) are counted, never
 * replayed: their bytes are incomplete.
 */
export async function replayDeadLetters(o: ReplayDeadLettersOptions): Promise<ReplaySummary> {
  const summary: ReplaySummary = { read: 0, matched: 0, replayed: 0, truncated: 0, undecodable: 0, byReason: {} };
  const producer = o.dryRun ? undefined : KafkaProducer.fromConfig({ kafka: o.kafka, logger: o.logger });
  await producer?.start();
  let pending: OutputRecord[] = [];
  const flush = async () => {
    if (producer === undefined || pending.length === 0) return;
    const batch = pending;
    pending = [];
    await producer.send(batch);
    summary.replayed += batch.length;
  };
  try {
    const partitions = await partitionsOf(o.kafka, o.dlqTopic);
    await readTopicToEnd(o.kafka, o.dlqTopic, partitions, async (message: ConsumedMessage) => {
      if (message.value === null) return;
      summary.read++;
      let record: DeadLetterRecord;
      try {
        record = fromBinary(DeadLetterRecordSchema, message.value);
      } catch {
        summary.undecodable++;
        return;
      }
      if (!matches(record, o.filter)) return;
      summary.matched++;
      const reason = reasonCodeOf(record.reason);
      summary.byReason[reason] = (summary.byReason[reason] ?? 0) + 1;
      if (message.headers[ORIGINAL_TRUNCATED_HEADER]?.toString() === "true") {
        summary.truncated++;
        return;
      }
      pending.push({
        topic: o.rawTopic,
        key: message.key,
        value: Buffer.from(record.original),
        headers: { [REPLAYED_FROM_HEADER]: `${message.topic}:${message.partition}@${message.offset}` },
      });
      if (pending.length >= BATCH) await flush();
    });
    await flush();
  } finally {
    await producer?.shutdown();
  }
  return summary;
}

function matches(record: DeadLetterRecord, filter: DeadLetterFilter): boolean {
  const at = record.rejectedAt === undefined ? Number.NaN : timestampMs(record.rejectedAt);
  if (filter.fromMs !== undefined && !(at >= filter.fromMs)) return false;
  if (filter.toMs !== undefined && !(at < filter.toMs)) return false;
  if (filter.reasons.length > 0 && !filter.reasons.includes(reasonCodeOf(record.reason))) return false;
  if (filter.contracts.length > 0 && !filter.contracts.includes(record.contractId)) return false;
  if (filter.tenants.length > 0 && !filter.tenants.includes(record.tenant)) return false;
  return true;
}
