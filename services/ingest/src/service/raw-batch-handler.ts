import { create } from "@bufbuild/protobuf";
import { SourcePositionSchema } from "@twinstate/proto";
import type {
  ConsumedMessage,
  Logger,
  OutputRecord,
  TopicPartition,
  TransactionalBatchHandler,
} from "@twinstate/runtime";
import { topicPartitionKey } from "@twinstate/runtime";
import type { IngestMetrics } from "../metrics/ingest-metrics.ts";
import { type ReadingValidator, type ReasonCode, StateJournal, type ValidationOutcome } from "../validation/index.ts";
import { type OutcomeTopics, outcomeRecord } from "./outcome-record.ts";

/** Options of {@link RawBatchHandler}. */
export interface RawBatchHandlerOptions {
  readonly validator: ReadingValidator;
  readonly topics: OutcomeTopics;
  readonly metrics: IngestMetrics;
  readonly logger: Logger;
  /** The ingestion clock, ms since the epoch. */
  readonly clock: () => number;
}

interface PartitionChunk {
  readonly journal: StateJournal;
  /** A chunk is being processed (process() seen, endBatch() not yet). */
  open: boolean;
  readings: number;
  seconds: number;
  /** Outcomes of the open or just-ended chunk, counted in metrics once its transaction commits. */
  readonly outcomes: ValidationOutcome[];
  firstOffset: string;
  lastOffset: string;
  rejected: Map<ReasonCode, number>;
  sample: { offset: string; reason: ReasonCode; detail: string } | undefined;
}

const EMPTY = new Uint8Array(0);

/**
 * The Kafka side of ingest, plugged into the runtime's TransactionalBatchProcessor: each raw record becomes
 * exactly one output record (valid or dead letter), produced in the same transaction as the input offsets.
 *
 * Why a state journal per partition: dedup and rate state change while a chunk is validated; if its
 * transaction aborts, the processor calls `onPartitionsAssigned` for the partition before replaying it, and
 * the journal is rolled back there, so the replay is judged exactly like the first attempt. A chunk's journal
 * is committed, and its outcomes counted in metrics, when its transaction commits (`afterCommit`).
 */
export class RawBatchHandler implements TransactionalBatchHandler {
  readonly #options: RawBatchHandlerOptions;
  readonly #logger: Logger;
  readonly #chunks = new Map<string, PartitionChunk>();

  constructor(options: RawBatchHandlerOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: "raw-batch-handler" });
  }

  process(message: ConsumedMessage): readonly OutputRecord[] {
    const chunk = this.#chunk(message);
    if (!chunk.open) {
      chunk.journal.commit();
      chunk.open = true;
      chunk.outcomes.length = 0;
      chunk.readings = 0;
      chunk.seconds = 0;
      chunk.firstOffset = message.offset;
      chunk.rejected.clear();
      chunk.sample = undefined;
    }
    const source = create(SourcePositionSchema, {
      origin: {
        case: "kafka",
        value: { topic: message.topic, partition: message.partition, offset: BigInt(message.offset) },
      },
    });
    const begun = performance.now();
    const outcome = this.#options.validator.validate(
      message.value ?? EMPTY,
      source,
      this.#options.clock(),
      chunk.journal,
    );
    chunk.seconds += (performance.now() - begun) / 1000;
    chunk.readings++;
    chunk.lastOffset = message.offset;
    chunk.outcomes.push(outcome);
    if (!outcome.accepted) {
      chunk.rejected.set(outcome.reason, (chunk.rejected.get(outcome.reason) ?? 0) + 1);
      if (chunk.sample === undefined || outcome.reason === "INTERNAL") {
        chunk.sample = { offset: message.offset, reason: outcome.reason, detail: outcome.record.reasonDetail };
      }
      if (this.#logger.isLevelEnabled("debug")) {
        this.#logger.debug(
          {
            reason: outcome.reason,
            topic: message.topic,
            partition: message.partition,
            offset: message.offset,
            detail: outcome.record.reasonDetail,
          },
          "reading dead-lettered",
        );
      }
    }
    return [outcomeRecord(outcome, this.#options.topics)];
  }

  endBatch(tp: TopicPartition): readonly OutputRecord[] {
    const chunk = this.#chunks.get(topicPartitionKey(tp));
    if (chunk === undefined || !chunk.open) return [];
    chunk.open = false;
    if (chunk.rejected.size > 0) {
      const level = chunk.rejected.has("INTERNAL") ? "error" : "info";
      this.#logger[level](
        {
          topic: tp.topic,
          partition: tp.partition,
          firstOffset: chunk.firstOffset,
          lastOffset: chunk.lastOffset,
          readings: chunk.readings,
          rejected: Object.fromEntries(chunk.rejected),
          sample: chunk.sample,
        },
        "readings dead-lettered in chunk",
      );
    }
    return [];
  }

  /**
   * The chunk's transaction committed: its state changes are final and its outcomes are counted now (counting
   * them as they were validated counted a chunk replayed after an abort twice).
   */
  afterCommit(tp: TopicPartition): void {
    const chunk = this.#chunks.get(topicPartitionKey(tp));
    if (chunk === undefined) return;
    chunk.journal.commit();
    for (const outcome of chunk.outcomes) this.#options.metrics.outcome("kafka", outcome);
    this.#options.metrics.batch("kafka", chunk.readings, chunk.seconds);
    chunk.outcomes.length = 0;
    chunk.readings = 0;
    chunk.seconds = 0;
  }

  /** Before a partition is (re)processed: undo the state of a chunk whose transaction did not commit. */
  onPartitionsAssigned(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) {
      const chunk = this.#chunks.get(topicPartitionKey(tp));
      if (chunk === undefined) continue;
      if (chunk.journal.size > 0) {
        this.#logger.info(
          { topic: tp.topic, partition: tp.partition, changes: chunk.journal.size },
          "state rolled back",
        );
      }
      chunk.journal.rollback();
      chunk.outcomes.length = 0;
      chunk.open = false;
    }
  }

  /** A partition moved away: its last chunk's state is kept (its fate is decided by the new owner's replay). */
  onPartitionsRevoked(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.#chunks.delete(topicPartitionKey(tp));
  }

  #chunk(message: ConsumedMessage): PartitionChunk {
    const key = topicPartitionKey(message);
    let chunk = this.#chunks.get(key);
    if (chunk === undefined) {
      chunk = {
        journal: new StateJournal(),
        open: false,
        readings: 0,
        seconds: 0,
        outcomes: [],
        firstOffset: message.offset,
        lastOffset: message.offset,
        rejected: new Map(),
        sample: undefined,
      };
      this.#chunks.set(key, chunk);
    }
    return chunk;
  }
}
