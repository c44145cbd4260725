import { type Context, context, type Tracer } from "@opentelemetry/api";
import {
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  Partitioners,
  type Producer,
  type Transaction,
} from "kafkajs";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { KafkaError } from "../errors/kafka-error.ts";
import { TransactionAbortedError } from "../errors/transaction-aborted-error.ts";
import { type ConsumedMessage, type TopicPartition, topicPartitionKey } from "./consumed-message.ts";
import { KafkaSeamMetrics } from "./kafka-seam-metrics.ts";
import { kafkaTracer } from "./kafka-tracer.ts";
import type { OutputRecord } from "./output-record.ts";
import { readTopicToEnd } from "./read-topic-to-end.ts";
import { recordSize } from "./record-size.ts";
import { RecordTooLargeError } from "./record-too-large-error.ts";
import { endMessageSpan, startMessageSpan } from "./start-message-span.ts";
import { toConsumedMessage } from "./to-consumed-message.ts";
import { toKafkaMessage } from "./to-kafka-message.ts";
import { type SizedMessage, toSendBatches } from "./to-send-batches.ts";

/**
 * What a service plugs into the {@link TransactionalBatchProcessor}: turn each input message into output records,
 * optionally add records at the end of each batch (e.g. one changelog record per key the batch touched).
 *
 * A handler must be deterministic given the restored state and the input: a batch may be processed again after
 * an abort (the processor restores the partition's state first, see `onPartitionsAssigned`). Poison input is the
 * handler's to route (return a dead-letter record); a thrown error aborts the batch and it is retried.
 */
export interface TransactionalBatchHandler {
  process(message: ConsumedMessage): Promise<readonly OutputRecord[]> | readonly OutputRecord[];
  endBatch?(partition: TopicPartition): Promise<readonly OutputRecord[]> | readonly OutputRecord[];
  /**
   * The partition's transaction committed: what the handler did since its last `endBatch` is now durable (e.g.
   * count its outcomes in metrics only now, so a batch replayed after an abort is not counted twice). Not called
   * for an aborted batch (the processor calls `onPartitionsAssigned` before replaying it instead). A throw is
   * logged, never aborts (the transaction is already committed).
   */
  afterCommit?(partition: TopicPartition): void;
}

/** Options of {@link TransactionalBatchProcessor.fromConfig}. */
export interface TransactionalBatchProcessorOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Transactional ids are `${prefix}-${topic}-${partition}`; stable across restarts and instances. */
  readonly transactionalIdPrefix: string;
  readonly handler: TransactionalBatchHandler;
  /**
   * Restores state for partitions this worker now owns (e.g. `readTopicToEnd` on the changelog) and resolves when
   * done; no batch of those partitions is processed before. Also called again for a single partition it already
   * holds after an aborted batch (the handler may have changed in-memory state): replace that partition's state.
   */
  readonly onPartitionsAssigned?: (partitions: readonly TopicPartition[]) => Promise<void> | void;
  /** Called with partitions this worker no longer owns, after their producers are closed: drop their state. */
  readonly onPartitionsRevoked?: (partitions: readonly TopicPartition[]) => Promise<void> | void;
  /**
   * Most input messages per transaction (a fetched batch is split into chunks). Default 5000. Each transaction
   * costs ~8 broker round trips whatever its size, so larger chunks are faster; see also maxBytesPerTransaction.
   */
  readonly maxMessagesPerTransaction?: number;
  /** Most input bytes (keys + values) per transaction: a chunk ends at whichever limit comes first. Default 4 MiB. */
  readonly maxBytesPerTransaction?: number;
  /**
   * Most estimated bytes per produce request inside a transaction: a chunk's outputs are split into consecutive
   * `sendBatch` calls of at most this size, so no partition's record batch crosses the broker's
   * `message.max.bytes`. Default 1,000,000 (the broker default is 1,048,588).
   */
  readonly maxBytesPerSend?: number;
  /**
   * Largest output record (estimated bytes) the broker accepts (its `message.max.bytes`, minus the 61-byte batch
   * header). A larger record is not sent: it is a {@link RecordTooLargeError} given to `onRecordTooLarge` and
   * counted in `twinstate_kafka_oversized_records_total`, instead of an abort replayed forever. Default 1,048,000.
   */
  readonly maxRecordBytes?: number;
  /**
   * What to write instead of an output record over `maxRecordBytes` (e.g. a dead-letter record naming its
   * source); `source` is the input that produced it (undefined for `endBatch` records). Returned records that are
   * too large as well are dropped (and counted). Default: the record is dropped and logged at error level.
   */
  readonly onRecordTooLarge?: (
    error: RecordTooLargeError,
    record: OutputRecord,
    source: ConsumedMessage | undefined,
  ) => readonly OutputRecord[] | undefined;
  /**
   * Partitions processed at the same time (kafkajs `partitionsConsumedConcurrently`): each has its own
   * transactional producer, so their transactions' round trips overlap. Handler calls of DIFFERENT partitions may
   * then interleave at await points (state must be per partition, as the restore contract already requires).
   * Default 1.
   */
  readonly partitionsConsumedConcurrently?: number;
  /** Fetch: most bytes per partition per fetch (kafkajs `maxBytesPerPartition`). Default 4 MiB. */
  readonly maxBytesPerPartition?: number;
  /** Fetch: most bytes per fetch response (kafkajs `maxBytes`). Default 32 MiB. */
  readonly maxBytes?: number;
  /** Fetch: least bytes the broker waits for (kafkajs `minBytes`). Default 1 (answer as soon as data exists). */
  readonly minBytes?: number;
  /** Fetch: longest the broker waits for `minBytes` (kafkajs `maxWaitTimeInMs`). Default 1000. */
  readonly maxWaitTimeInMs?: number;
  /**
   * First retry delay (ms) of the transactional producers' requests. The broker answers CONCURRENT_TRANSACTIONS
   * to the next transaction's first request while it still writes the previous one's commit markers; kafkajs
   * retries that after its default 300 ms, which capped each partition at ~3 transactions/s. Default 10 (the
   * delay doubles per retry up to 1 s, 20 retries).
   */
  readonly producerRetryInitialMs?: number;
  /** Broker-side transaction timeout (ms). Default 60000. */
  readonly transactionTimeoutMs?: number;
  /**
   * After fencing a newly owned partition's previous producer, how long the committed offset must stay unchanged
   * (read every 250 ms) before processing resumes from it (ms). Default 1500. See `#settledCommittedOffset`.
   */
  readonly offsetSettleMs?: number;
  /**
   * Compacted topic (e.g. `Topics.seamProgress`) on which every transaction also records its input partition's
   * next offset, keyed `${groupId}/${topic}/${partition}`. After a fence that record, read read_committed to the
   * end, is the exact resume point: the fence returns only once the previous owner's markers are written, while
   * the group's committed offset becomes visible asynchronously (kafkajs has no KIP-447 require_stable). Without
   * it the processor waits for the group offset to settle (`offsetSettleMs`), which narrows that race but does
   * not close it. The topic must exist; start() fails otherwise.
   */
  readonly progressTopic?: string;
  /** Where a group with no committed offset starts. Default true (beginning). */
  readonly fromBeginning?: boolean;
  /** Called when kafkajs gives up on the consumer (crash without restart); the service should exit. */
  readonly onFatal?: (error: Error) => void;
  /** Registry for the seam's metrics ({@link KafkaSeamMetrics}); none recorded when absent. */
  readonly metrics?: Registry;
  /** Called after each aborted transaction (the batch will be re-processed), e.g. to count aborts in a metric. */
  readonly onTransactionAborted?: (partition: TopicPartition, error: TransactionAbortedError) => void;
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
}

/** A chunk's output records with, per record, the context to trace it in and the input it came from. */
class PendingOutputs {
  readonly records: OutputRecord[] = [];
  readonly contexts: Context[] = [];
  readonly sources: (ConsumedMessage | undefined)[] = [];

  add(records: readonly OutputRecord[], ctx: Context, source: ConsumedMessage | undefined): void {
    for (const record of records) {
      this.records.push(record);
      this.contexts.push(ctx);
      this.sources.push(source);
    }
  }
}

function isPromiseLike<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/** Per owned input partition. */
interface PartitionState {
  readonly tp: TopicPartition;
  readonly transactionalId: string;
  /** Restore (+ committed-offset snapshot) in flight or done; undefined = must (re)start before the next batch. */
  prepared: Promise<void> | undefined;
  /** Group's committed offset seen just before the last restore (-1 = none). */
  committedAtRestore: bigint;
  /** The lazily created transactional producer; undefined until the first batch (or after it was dropped). */
  producer: Producer | undefined;
  /** The next offset to process: records below it are already committed (skipped if re-delivered). */
  nextOffset: bigint | undefined;
  revoked: boolean;
}

/**
 * The exactly-once building block: consume a batch of one input partition, let the handler turn it into output
 * records, and write those outputs plus the input offsets (`sendOffsets` with the consumer group) in ONE Kafka
 * transaction, then commit. Any failure aborts, seeks back to the batch's first offset and restores the
 * partition's state, so a read_committed reader sees each input's outputs exactly once.
 *
 * kafkajs 2.2.4 quirks this works around (see FACTS.md):
 * - TxnOffsetCommit carries no group generation (no KIP-447), so a zombie owner of a partition is fenced only by
 *   transactional id: ONE transactional producer per input partition, id `${prefix}-${topic}-${partition}`,
 *   created lazily on the partition's first batch and disconnected when the partition is revoked.
 * - Creating that producer is what fences the previous owner, but its last transaction may complete after our
 *   restore read the changelog. So the group's committed offset is snapshotted before each restore and re-read
 *   after the producer is initialised; if it moved, the partition is restored again before processing.
 * - kafkajs offers no rebalance listener, only the `GROUP_JOIN` event with the new assignment: revocations and new
 *   partitions are derived by diffing assignments.
 * - kafkajs does not rewind after an aborted transaction: we `seek` to the chunk's first offset ourselves.
 * - After a failed send kafkajs's sequence numbers can be out of step with what the broker appended, so a
 *   failed transaction's producer is discarded and a new one (new epoch) created for the retry.
 * - kafkajs initialises a transactional producer id on the first `transaction()` call, not on `connect()`; the
 *   fencing step therefore begins and aborts an empty transaction (no request beyond InitProducerId is sent).
 * - With `autoCommit: false` kafkajs never commits offsets of batches made only of control records or aborted
 *   records, so the group offset may trail by those records; they are filtered again on restart (harmless).
 *
 * Speed (bench/kafka/processor-throughput.ts, docs/BENCHMARKS.md "Kafka seam"): a transaction costs ~8 broker
 * round trips (FindCoordinator ×4, AddPartitionsToTxn, Produce, AddOffsetsToTxn, TxnOffsetCommit, EndTxn)
 * whatever its size, so chunks are large (5000 messages / 4 MiB by default) and the transactional producers retry
 * CONCURRENT_TRANSACTIONS after 10 ms instead of kafkajs's 300 ms (the broker answers it to the first request of
 * the next transaction while it writes the previous one's markers). Handlers returning plain arrays run without a
 * promise per message; heartbeats are time-based; `partitionsConsumedConcurrently` overlaps partitions. Outputs
 * are sent in requests of at most `maxBytesPerSend`, so no partition's record batch crosses the broker's
 * `message.max.bytes`; a single record over `maxRecordBytes` is a {@link RecordTooLargeError} outcome.
 * Chunks are not pipelined (next chunk's handler calls before the previous commit): handlers rely on a chunk
 * starting only after the previous one committed (e.g. ingest commits its state journal there).
 */
export class TransactionalBatchProcessor {
  readonly #options: TransactionalBatchProcessorOptions;
  readonly #logger: Logger;
  readonly #consumer: Consumer;
  readonly #admin: Admin;
  readonly #partitions = new Map<string, PartitionState>();
  readonly #closing = new Set<Promise<void>>();
  readonly #chunkSize: number;
  readonly #chunkBytes: number;
  readonly #sendBytes: number;
  readonly #recordBytes: number;
  /** How often (ms) the batch loop heartbeats while it works (kafkajs 2.x has no background heartbeat). */
  readonly #heartbeatEveryMs: number;
  readonly #metrics: KafkaSeamMetrics | undefined;
  /** The seam's tracer, resolved once (a proxy: tracing set up later still takes effect). */
  readonly #tracer: Tracer = kafkaTracer();
  #joined = false;
  /** Set by the first GROUP_JOIN: from then on #partitions is the authoritative assignment. */
  #assignmentKnown = false;
  #crashed: Error | undefined;
  #stopping = false;
  /** Partitions of the progress topic (set by start() when `progressTopic` is configured). */
  #progressPartitions = 0;

  private constructor(options: TransactionalBatchProcessorOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: "transactional-batch-processor", groupId: options.groupId });
    this.#chunkSize = options.maxMessagesPerTransaction ?? 5000;
    this.#chunkBytes = options.maxBytesPerTransaction ?? 4 * 1024 * 1024;
    this.#sendBytes = options.maxBytesPerSend ?? 1_000_000;
    this.#recordBytes = options.maxRecordBytes ?? 1_048_000;
    this.#heartbeatEveryMs = Math.min(1000, options.heartbeatIntervalMs ?? 1000);
    this.#metrics = options.metrics === undefined ? undefined : KafkaSeamMetrics.for(options.metrics);
    this.#metrics?.registerGroup(options.groupId);
    this.#admin = options.kafka.admin();
    this.#consumer = options.kafka.consumer({
      groupId: options.groupId,
      readUncommitted: false,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 4 * 1024 * 1024,
      maxBytes: options.maxBytes ?? 32 * 1024 * 1024,
      minBytes: options.minBytes ?? 1,
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 1000,
      ...(options.sessionTimeoutMs === undefined ? {} : { sessionTimeout: options.sessionTimeoutMs }),
      ...(options.heartbeatIntervalMs === undefined ? {} : { heartbeatInterval: options.heartbeatIntervalMs }),
    });
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, (event) => {
      this.#joined = true;
      this.#assignmentKnown = true;
      this.#onAssignment(event.payload.memberAssignment);
    });
    this.#consumer.on(this.#consumer.events.CRASH, (event) => {
      this.#joined = false;
      if (!event.payload.restart) {
        this.#crashed = event.payload.error;
        this.#logger.fatal({ err: event.payload.error }, "consumer crashed and will not restart");
        this.#options.onFatal?.(event.payload.error);
      }
    });
  }

  /** Creates the processor (not yet connected: call {@link start}). */
  static fromConfig(options: TransactionalBatchProcessorOptions): TransactionalBatchProcessor {
    return new TransactionalBatchProcessor(options);
  }

  /** Connects, subscribes and starts the consume loop. */
  async start(): Promise<void> {
    try {
      await this.#admin.connect();
      const progressTopic = this.#options.progressTopic;
      if (progressTopic !== undefined) {
        const { topics } = await this.#admin.fetchTopicMetadata({ topics: [progressTopic] });
        this.#progressPartitions = topics[0]?.partitions.length ?? 0;
        if (this.#progressPartitions === 0) throw new Error(`progress topic ${progressTopic} has no partitions`);
      }
      await this.#consumer.connect();
      await this.#consumer.subscribe({
        topics: [...this.#options.topics],
        fromBeginning: this.#options.fromBeginning ?? true,
      });
      await this.#consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.#options.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => this.#eachBatch(payload),
      });
    } catch (error) {
      throw KafkaError.wrap("transactional processor start", error, { groupId: this.#options.groupId });
    }
    this.#logger.info({ topics: this.#options.topics }, "transactional processor started");
  }

  /** Ready = joined the group and not crashed (a readiness check). */
  isReady(): { ok: boolean; reason?: string } {
    if (this.#crashed !== undefined) return { ok: false, reason: `consumer crashed: ${this.#crashed.message}` };
    return this.#joined ? { ok: true } : { ok: false, reason: "consumer has not joined its group" };
  }

  /** The input partitions this worker currently owns. */
  assignedPartitions(): TopicPartition[] {
    return [...this.#partitions.values()].filter((state) => !state.revoked).map((state) => state.tp);
  }

  /**
   * Graceful stop: stop fetching, let the current chunk finish and commit its transaction, leave the group,
   * then disconnect every transactional producer and the admin client.
   */
  async shutdown(): Promise<void> {
    this.#stopping = true;
    await this.#consumer.stop();
    await this.#consumer.disconnect();
    await Promise.allSettled([...this.#closing]);
    await Promise.allSettled(
      [...this.#partitions.values()].map((state) =>
        state.producer === undefined ? undefined : state.producer.disconnect(),
      ),
    );
    this.#partitions.clear();
    await this.#admin.disconnect();
    this.#logger.info("transactional processor stopped");
  }

  #onAssignment(assignment: Readonly<Record<string, readonly number[]>>): void {
    const assigned = new Map<string, TopicPartition>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) assigned.set(topicPartitionKey({ topic, partition }), { topic, partition });
    }
    const revoked: PartitionState[] = [];
    for (const [key, state] of this.#partitions) {
      if (!assigned.has(key)) {
        state.revoked = true;
        this.#partitions.delete(key);
        revoked.push(state);
      }
    }
    const added: PartitionState[] = [];
    for (const [key, tp] of assigned) {
      if (!this.#partitions.has(key)) {
        const state = this.#newState(tp);
        this.#partitions.set(key, state);
        added.push(state);
      }
    }
    this.#logger.info(
      {
        assigned: [...assigned.keys()],
        added: added.map((s) => topicPartitionKey(s.tp)),
        revoked: revoked.map((s) => topicPartitionKey(s.tp)),
      },
      "partition assignment changed",
    );
    if (revoked.length > 0) this.#track(this.#revoke(revoked));
    // Restore every newly owned partition together, eagerly (before its first fetch returns).
    if (added.length > 0) {
      const prepared = this.#prepare(added);
      for (const state of added) state.prepared = prepared;
      prepared.catch(() => undefined); // awaited (and reported) by the partition's first batch
    }
  }

  #newState(tp: TopicPartition): PartitionState {
    return {
      tp,
      transactionalId: `${this.#options.transactionalIdPrefix}-${tp.topic}-${tp.partition}`,
      prepared: undefined,
      committedAtRestore: -1n,
      producer: undefined,
      nextOffset: undefined,
      revoked: false,
    };
  }

  async #revoke(states: readonly PartitionState[]): Promise<void> {
    for (const { tp } of states) {
      this.#metrics?.lag.remove({ group: this.#options.groupId, topic: tp.topic, partition: String(tp.partition) });
    }
    await Promise.allSettled(states.map((state) => this.#dropProducer(state)));
    await this.#options.onPartitionsRevoked?.(states.map((state) => state.tp));
  }

  #track(promise: Promise<void>): void {
    const tracked = promise.catch((error: unknown) =>
      this.#logger.error({ err: error }, "partition revocation failed"),
    );
    this.#closing.add(tracked);
    void tracked.finally(() => this.#closing.delete(tracked));
  }

  /** Snapshots the group's committed offsets, then runs the restore hook for these partitions. */
  async #prepare(states: readonly PartitionState[]): Promise<void> {
    const committed = await this.#positions(states.map((state) => state.tp));
    for (const state of states) {
      state.committedAtRestore = committed.get(topicPartitionKey(state.tp)) ?? -1n;
      state.nextOffset = undefined;
    }
    const begun = performance.now();
    await this.#options.onPartitionsAssigned?.(states.map((state) => state.tp));
    this.#metrics?.restoreSeconds.observe({ group: this.#options.groupId }, (performance.now() - begun) / 1000);
    this.#logger.info(
      { partitions: states.map((s) => topicPartitionKey(s.tp)), ms: Math.round(performance.now() - begun) },
      "partitions restored",
    );
  }

  async #committedOffsets(tps: readonly TopicPartition[]): Promise<Map<string, bigint>> {
    const result = new Map<string, bigint>();
    const topics = [...new Set(tps.map((tp) => tp.topic))];
    try {
      const offsets = await this.#admin.fetchOffsets({ groupId: this.#options.groupId, topics });
      for (const { topic, partitions } of offsets) {
        for (const { partition, offset } of partitions)
          result.set(topicPartitionKey({ topic, partition }), BigInt(offset));
      }
    } catch (error) {
      throw KafkaError.wrap("fetch committed offsets", error, { groupId: this.#options.groupId, topics });
    }
    return result;
  }

  /**
   * Where each partition resumes: the group's committed offset, or the progress topic's record when that is
   * further (the group offset of a just-completed transaction can still be invisible; the record cannot).
   */
  async #positions(tps: readonly TopicPartition[]): Promise<Map<string, bigint>> {
    const [committed, progress] = await Promise.all([this.#committedOffsets(tps), this.#progressOffsets(tps)]);
    for (const [key, offset] of progress) if (offset > (committed.get(key) ?? -1n)) committed.set(key, offset);
    return committed;
  }

  #progressKey(tp: TopicPartition): string {
    return `${this.#options.groupId}/${tp.topic}/${tp.partition}`;
  }

  /** The progress topic's latest committed record per partition of `tps` (empty without a progress topic). */
  async #progressOffsets(tps: readonly TopicPartition[]): Promise<Map<string, bigint>> {
    const result = new Map<string, bigint>();
    const topic = this.#options.progressTopic;
    if (topic === undefined || tps.length === 0) return result;
    const wanted = new Map(tps.map((tp) => [this.#progressKey(tp), topicPartitionKey(tp)]));
    const partitions = [...new Set(tps.map((tp) => tp.partition % this.#progressPartitions))];
    await readTopicToEnd(this.#options.kafka, topic, partitions, (message) => {
      const key = wanted.get(message.key?.toString() ?? "");
      const value = message.value?.toString() ?? "";
      if (key === undefined || !/^\d+$/.test(value)) return;
      result.set(key, BigInt(value)); // offset order per partition: the last record is the latest
    });
    return result;
  }

  /**
   * The group's committed offset for `tp`, read every 250 ms until it has not changed for `offsetSettleMs`.
   *
   * Why: after the fence the previous owner's last transaction is complete, but the broker applies a committed
   * transaction's offsets to its offset cache asynchronously after writing the marker, and kafkajs' OffsetFetch
   * predates KIP-447's `require_stable`, so a read right after the fence can still return the old offset — and
   * processing would resume before inputs whose outputs are already committed (duplicates after a kill -9). Two
   * reads 300 ms apart were not always enough on a loaded 2-core machine (one CI run in ~10 duplicated a chunk),
   * so the value must now hold for 1.5 s by default. This narrows a race; it does not close it (see FACTS).
   */
  async #settledCommittedOffset(tp: TopicPartition): Promise<bigint> {
    const settleMs = this.#options.offsetSettleMs ?? 1500;
    const key = topicPartitionKey(tp);
    let value = (await this.#committedOffsets([tp])).get(key) ?? -1n;
    let since = performance.now();
    const deadline = since + Math.max(20_000, 4 * settleMs);
    // Stops early on shutdown: a readiness check may outlive its batch (see #withHeartbeats).
    while (performance.now() - since < settleMs && performance.now() < deadline && !this.#stopping) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(250, settleMs)));
      const current = (await this.#committedOffsets([tp])).get(key) ?? -1n;
      if (current !== value) {
        value = current;
        since = performance.now();
      }
    }
    return value;
  }

  /** Creates, and thereby fences, the partition's transactional producer. */
  async #ensureProducer(state: PartitionState): Promise<Producer> {
    if (state.producer !== undefined) return state.producer;
    const producer = this.#options.kafka.producer({
      transactionalId: state.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.#options.transactionTimeoutMs ?? 60000,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: {
        initialRetryTime: this.#options.producerRetryInitialMs ?? 10,
        maxRetryTime: 1000,
        retries: 20,
      },
    });
    try {
      await producer.connect();
      // kafkajs runs InitProducerId (which fences the previous owner and completes its pending transaction) on
      // the first transaction() call; an empty transaction aborts locally without a request.
      const fence = await producer.transaction();
      await fence.abort();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw KafkaError.wrap("transactional producer init", error, { transactionalId: state.transactionalId });
    }
    state.producer = producer;
    this.#logger.debug({ transactionalId: state.transactionalId }, "transactional producer ready");
    return producer;
  }

  async #dropProducer(state: PartitionState): Promise<void> {
    const producer = state.producer;
    state.producer = undefined;
    if (producer !== undefined) await producer.disconnect().catch(() => undefined);
  }

  /** Makes the partition ready to process: restored, producer fenced, restore still valid. Returns false if revoked. */
  async #ready(state: PartitionState): Promise<void> {
    for (;;) {
      state.prepared ??= this.#prepare([state]);
      try {
        await state.prepared;
      } catch (error) {
        state.prepared = undefined;
        throw error;
      }
      const hadProducer = state.producer !== undefined;
      await this.#ensureProducer(state);
      if (hadProducer) return;
      // The producer was just created: the previous owner is fenced now, its last transaction is complete. If
      // the committed offset moved since the restore began, that transaction's changelog records were not part of
      // the restore: restore again.
      const committed =
        this.#options.progressTopic === undefined
          ? await this.#settledCommittedOffset(state.tp)
          : ((await this.#positions([state.tp])).get(topicPartitionKey(state.tp)) ?? -1n);
      if (committed === state.committedAtRestore) {
        if (committed >= 0n) state.nextOffset = committed;
        return;
      }
      this.#logger.warn(
        { partition: topicPartitionKey(state.tp), before: String(state.committedAtRestore), now: String(committed) },
        "committed offset moved during restore (previous owner's last transaction completed): restoring again",
      );
      state.prepared = undefined;
      await this.#dropProducer(state).catch(() => undefined);
    }
  }

  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const tp: TopicPartition = { topic: batch.topic, partition: batch.partition };
    const key = topicPartitionKey(tp);
    let state = this.#partitions.get(key);
    if (state === undefined) {
      if (this.#assignmentKnown) {
        // A batch fetched before a rebalance took this partition away. Processing it would create a producer
        // with the new owner's transactional id (fencing the rightful owner) and commit offsets without a group
        // generation check (no KIP-447): skip it, unresolved.
        this.#logger.debug({ partition: key }, "skipping a batch of a partition this worker no longer owns");
        return;
      }
      // A batch before the first GROUP_JOIN event was seen: treat the partition as newly owned.
      state = this.#newState(tp);
      this.#partitions.set(key, state);
    }
    if (!payload.isRunning() || payload.isStale()) return;
    await this.#withHeartbeats(this.#ready(state), payload);
    if (!payload.isRunning() || payload.isStale() || state.revoked) return;

    const all = batch.messages;
    // Records below nextOffset are already committed (re-delivered after a seek or a rebalance): skip them.
    let begin = 0;
    const next = state.nextOffset;
    if (next !== undefined) while (begin < all.length && BigInt(all[begin]!.offset) < next) begin++;
    const skippedAll = begin === all.length && all.length > 0;
    while (begin < all.length) {
      // Between transactions: stop if kafkajs is stopping, a seek is pending, or we lost the partition.
      if (!payload.isRunning() || payload.isStale() || state.revoked) return;
      // A chunk ends at maxMessagesPerTransaction or maxBytesPerTransaction (input keys + values), whichever first.
      let end = begin;
      let bytes = 0;
      const limit = Math.min(all.length, begin + this.#chunkSize);
      while (end < limit) {
        const m = all[end]!;
        const size = (m.key?.length ?? 0) + (m.value?.length ?? 0);
        if (end > begin && bytes + size > this.#chunkBytes) break;
        bytes += size;
        end++;
      }
      const chunk: ConsumedMessage[] = new Array(end - begin);
      for (let i = begin; i < end; i++) chunk[i - begin] = toConsumedMessage(tp.topic, tp.partition, all[i]!);
      // The last chunk commits past trailing control records too (batch.lastOffset() includes them).
      const commitOffset =
        end >= all.length ? BigInt(batch.lastOffset()) + 1n : BigInt(chunk[chunk.length - 1]!.offset) + 1n;
      await this.#processChunk(payload, state, chunk, commitOffset);
      payload.resolveOffset((commitOffset - 1n).toString());
      state.nextOffset = commitOffset;
      await payload.heartbeat();
      begin = end;
    }
    if (skippedAll) {
      // Everything re-delivered was already committed (see nextOffset): move the in-memory position on.
      payload.resolveOffset(batch.lastOffset());
    }
    this.#metrics?.lag.set(
      { group: this.#options.groupId, topic: tp.topic, partition: String(tp.partition) },
      Math.max(0, Number(batch.offsetLag())),
    );
  }

  /**
   * Awaits `work` (a restore can take long) while heartbeating every second: kafkajs 2.x has no background
   * heartbeat, so a member silent for the session timeout inside eachBatch is expelled and the group rebalances
   * (kafkajs #1527). A failed heartbeat (e.g. a rebalance started) is thrown; the work keeps running and its
   * result is picked up by the partition's next batch.
   */
  async #withHeartbeats(work: Promise<void>, payload: EachBatchPayload): Promise<void> {
    const settled = work.then(
      () => ({ ok: true, error: undefined as unknown }),
      (error: unknown) => ({ ok: false, error }),
    );
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const tick = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), 1000);
      });
      const outcome = await Promise.race([settled, tick]);
      clearTimeout(timer);
      if (outcome !== undefined) {
        if (!outcome.ok) throw outcome.error;
        return;
      }
      await payload.heartbeat();
    }
  }

  /**
   * Runs the handler on one message inside its CONSUMER span and appends its records (with the span's context,
   * for the trace headers, and the message as their source). Synchronous when the handler returns a plain array:
   * no promise, no await per message. Returns a promise only for an asynchronous handler.
   */
  #processOne(message: ConsumedMessage, outputs: PendingOutputs): Promise<void> | undefined {
    const started = startMessageSpan(message, this.#options.groupId, this.#tracer);
    let result: Promise<readonly OutputRecord[]> | readonly OutputRecord[];
    try {
      result = context.with(started.context, () => this.#options.handler.process(message));
    } catch (error) {
      endMessageSpan(started.span, error ?? new Error("undefined thrown"));
      throw error;
    }
    if (isPromiseLike(result)) {
      return result.then(
        (records) => {
          outputs.add(records, started.context, message);
          endMessageSpan(started.span);
        },
        (error: unknown) => {
          endMessageSpan(started.span, error ?? new Error("undefined thrown"));
          throw error;
        },
      );
    }
    outputs.add(result, started.context, message);
    endMessageSpan(started.span);
    return undefined;
  }

  async #processChunk(
    payload: EachBatchPayload,
    state: PartitionState,
    chunk: readonly ConsumedMessage[],
    commitOffset: bigint,
  ): Promise<void> {
    const { tp } = state;
    const first = chunk[0]!.offset;
    const begun = performance.now();
    let transaction: Transaction | undefined;
    let handlerFailed = false;
    try {
      const outputs = new PendingOutputs();
      let lastHeartbeat = begun;
      for (const message of chunk) {
        handlerFailed = true;
        const pending = this.#processOne(message, outputs);
        if (pending !== undefined) await pending;
        handlerFailed = false;
        // kafkajs 2.x has no background heartbeat: beat from the loop, by time (not per message).
        if (performance.now() - lastHeartbeat >= this.#heartbeatEveryMs) {
          await payload.heartbeat();
          lastHeartbeat = performance.now();
        }
      }
      handlerFailed = true;
      const tail = (await this.#options.handler.endBatch?.(tp)) ?? [];
      handlerFailed = false;
      outputs.add(tail, context.active(), undefined);
      if (this.#options.progressTopic !== undefined) {
        const progress: OutputRecord = {
          topic: this.#options.progressTopic,
          key: this.#progressKey(tp),
          partition: tp.partition % this.#progressPartitions,
          value: commitOffset.toString(),
        };
        outputs.add([progress], context.active(), undefined);
      }
      const sends = toSendBatches(this.#sized(outputs), this.#sendBytes);
      const producer = state.producer!;
      transaction = await producer.transaction();
      // One produce request at a time (an idempotent producer must not have two in flight, kafkajs #598/#1005).
      for (const topicMessages of sends) await transaction.sendBatch({ topicMessages, acks: -1 });
      await transaction.sendOffsets({
        consumerGroupId: this.#options.groupId,
        topics: [{ topic: tp.topic, partitions: [{ partition: tp.partition, offset: commitOffset.toString() }] }],
      });
      await transaction.commit();
      try {
        this.#options.handler.afterCommit?.(tp);
      } catch (hookError) {
        this.#logger.warn({ err: hookError, partition: topicPartitionKey(tp) }, "afterCommit hook failed");
      }
      const group = this.#options.groupId;
      this.#metrics?.transactions.inc({ group, outcome: "committed" });
      this.#metrics?.messages.inc({ group, topic: tp.topic }, chunk.length);
      this.#metrics?.transactionSeconds.observe({ group }, (performance.now() - begun) / 1000);
    } catch (error) {
      this.#metrics?.transactions.inc({ group: this.#options.groupId, outcome: "aborted" });
      await this.#recover(state, transaction, first);
      const aborted = new TransactionAbortedError(
        `batch of ${topicPartitionKey(tp)} from offset ${first} aborted: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
          details: { topic: tp.topic, partition: tp.partition, firstOffset: first, messages: chunk.length },
          // Kafka failures (including fencing after a rebalance) are retried: kafkajs rejoins and we restore. A
          // handler error keeps the handler's verdict: a non-retriable one makes kafkajs stop the consumer
          // (onFatal) instead of re-processing a deterministic failure forever.
          retriable: !handlerFailed || (error as { retriable?: unknown } | null)?.retriable !== false,
        },
      );
      if (!this.#stopping) this.#logger.warn({ err: aborted }, "transaction aborted, batch will be re-processed");
      try {
        this.#options.onTransactionAborted?.(tp, aborted);
      } catch (hookError) {
        this.#logger.warn({ err: hookError }, "onTransactionAborted hook failed");
      }
      throw aborted;
    }
  }

  /**
   * The chunk's outputs as kafkajs messages with trace headers and estimated sizes. A record over maxRecordBytes
   * is replaced by what `onRecordTooLarge` returns (or dropped), logged and counted: the broker would reject it on
   * every replay.
   */
  #sized(outputs: PendingOutputs): SizedMessage[] {
    const sized: SizedMessage[] = [];
    const { records, contexts, sources } = outputs;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const message = toKafkaMessage(record, contexts[i]!);
      const bytes = recordSize(message);
      if (bytes <= this.#recordBytes) {
        sized.push({ topic: record.topic, message, bytes });
        continue;
      }
      const replacements = this.#tooLarge(record, bytes, sources[i], true);
      for (const replacement of replacements) {
        const replacementMessage = toKafkaMessage(replacement, contexts[i]!);
        const replacementBytes = recordSize(replacementMessage);
        if (replacementBytes <= this.#recordBytes) {
          sized.push({ topic: replacement.topic, message: replacementMessage, bytes: replacementBytes });
        } else {
          this.#tooLarge(replacement, replacementBytes, sources[i], false);
        }
      }
    }
    return sized;
  }

  #tooLarge(
    record: OutputRecord,
    bytes: number,
    source: ConsumedMessage | undefined,
    replace: boolean,
  ): readonly OutputRecord[] {
    const where = source === undefined ? "endBatch" : `${source.topic}:${source.partition}@${source.offset}`;
    const error = new RecordTooLargeError(
      `output record for ${record.topic} is ${bytes} bytes, over maxRecordBytes ${this.#recordBytes} (from ${where})`,
      bytes,
      this.#recordBytes,
      { details: { topic: record.topic, source: where } },
    );
    this.#metrics?.oversizedRecords.inc({ group: this.#options.groupId, topic: record.topic });
    const replacements = replace ? (this.#options.onRecordTooLarge?.(error, record, source) ?? []) : [];
    this.#logger.error(
      { err: error, replacements: replacements.length },
      replacements.length > 0 ? "output record too large, replaced" : "output record too large, dropped",
    );
    return replacements;
  }

  /**
   * Abort, drop the partition's producer, seek back and require a restore before the next batch.
   *
   * The producer is never reused after a failure: when a produce request fails for one partition, kafkajs does not
   * advance the idempotent sequence numbers of the other partitions the broker DID append, so a retry with the
   * same producer re-sends those sequences and the broker discards the new records as duplicates of the aborted
   * ones (found by the "aborted transaction" integration test: the retried batch's outputs vanished while its
   * offsets committed). A new producer gets a new epoch and fresh sequences.
   */
  async #recover(state: PartitionState, transaction: Transaction | undefined, firstOffset: string): Promise<void> {
    if (transaction?.isActive()) {
      try {
        await transaction.abort();
      } catch (abortError) {
        // The new producer's InitProducerId aborts the transaction on the coordinator instead.
        this.#logger.warn({ err: abortError, transactionalId: state.transactionalId }, "abort failed");
      }
    }
    await this.#dropProducer(state);
    state.prepared = undefined;
    state.nextOffset = undefined;
    if (!state.revoked) {
      try {
        this.#consumer.seek({ topic: state.tp.topic, partition: state.tp.partition, offset: firstOffset });
      } catch (seekError) {
        this.#logger.warn({ err: seekError }, "seek after abort failed (consumer stopping?)");
      }
    }
  }
}
