import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { DriftEventSchema, type StateEstimate, StateEstimateSchema } from "@twinstate/proto";
import {
  asBuffer,
  type ConsumedMessage,
  type Kafka,
  type Logger,
  type OutputRecord,
  readTopicToEnd,
  type TopicPartition,
  type TransactionalBatchHandler,
} from "@twinstate/runtime";
import { algorithmOf } from "../mapping/drift-event-of.ts";
import type { DriftMetrics } from "../metrics/drift-metrics.ts";
import type { DriftSuites } from "../suites/drift-suites.ts";
import { decodeSuiteRecord, encodeSuiteRecord } from "../suites/suite-record.ts";

/** Options of {@link DriftBatchHandler}. */
export interface DriftBatchHandlerOptions {
  readonly suites: DriftSuites;
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly metrics: DriftMetrics;
  readonly topics: { readonly drift: string; readonly state: string };
}

/**
 * Turns estimates into drift events and detector-state changelog records inside the runtime's transactional
 * batches.
 *
 * Per estimate: its sensor's suite is fed; each detection becomes one `DriftEvent` on the drift topic keyed
 * "tenant/asset". Per batch (endBatch): one suite record per (twin, sensor) the batch touched to the
 * compacted state topic, keyed "tenant/asset/sensor" on the input's partition number, so the worker that owns
 * estimates partition p restores from state partition p. The runtime commits events, state and the input
 * offsets in ONE transaction: after a crash the restored suites are exactly those that produced the committed
 * events, and the uncommitted suffix of the input is re-processed from them — no detection repeated or lost.
 */
export class DriftBatchHandler implements TransactionalBatchHandler {
  readonly #o: DriftBatchHandlerOptions;
  readonly #touched = new Map<number, Set<string>>();

  constructor(options: DriftBatchHandlerOptions) {
    this.#o = options;
  }

  process(message: ConsumedMessage): readonly OutputRecord[] {
    if (message.value === null) return [];
    let estimate: StateEstimate;
    try {
      estimate = fromBinary(StateEstimateSchema, message.value);
    } catch (error) {
      // Only assimilation writes the estimates topic; a record that does not decode carries no innovation.
      this.#o.metrics.estimates.inc({ outcome: "undecodable" });
      this.#o.logger.error(
        { err: error, partition: message.partition, offset: message.offset },
        "undecodable estimate skipped",
      );
      return [];
    }
    const outcome = this.#o.suites.process(estimate, message.partition);
    if (outcome.kind === "skipped") {
      this.#o.metrics.estimates.inc({ outcome: outcome.reason });
      return [];
    }
    this.#o.metrics.estimates.inc({ outcome: "fed" });
    this.#o.metrics.detectorLatency.observe(outcome.seconds);
    let set = this.#touched.get(message.partition);
    if (set === undefined) {
      set = new Set();
      this.#touched.set(message.partition, set);
    }
    set.add(outcome.key);
    const key = `${estimate.tenant}/${estimate.asset}`;
    return outcome.events.map((event, i) => {
      this.#o.metrics.events.inc({
        detector: algorithmOf(event.detector),
        severity: outcome.results[i]?.severity ?? "info",
      });
      return { topic: this.#o.topics.drift, key, value: asBuffer(toBinary(DriftEventSchema, event)) };
    });
  }

  endBatch(tp: TopicPartition): readonly OutputRecord[] {
    const keys = this.#touched.get(tp.partition);
    this.#touched.delete(tp.partition);
    if (keys === undefined) return [];
    const out: OutputRecord[] = [];
    for (const key of [...keys].sort()) {
      const record = this.#o.suites.get(key);
      if (record === undefined) continue;
      out.push({ topic: this.#o.topics.state, key, partition: tp.partition, value: encodeSuiteRecord(record) });
    }
    this.#o.metrics.suites.set(this.#o.suites.size);
    return out;
  }

  /**
   * Drops the partitions' suites and restores them from the changelog (read_committed, up to its end) before
   * any batch of those partitions runs; also called after an aborted batch, to undo its in-memory effects.
   */
  async onPartitionsAssigned(tps: readonly TopicPartition[]): Promise<void> {
    const partitions = new Set(tps.map((tp) => tp.partition));
    for (const p of partitions) this.#touched.delete(p);
    this.#o.suites.dropPartitions(partitions);
    const begun = performance.now();
    let restored = 0;
    let unreadable = 0;
    const result = await readTopicToEnd(this.#o.kafka, this.#o.topics.state, [...partitions], (message) => {
      const key = message.key?.toString() ?? "";
      if (message.value === null) {
        this.#o.suites.delete(key);
        return;
      }
      try {
        this.#o.suites.restore(key, decodeSuiteRecord(message.value, message.partition));
        restored++;
      } catch (error) {
        // A later record of the key may still restore it; if not, its suite starts afresh.
        this.#o.suites.delete(key);
        unreadable++;
        this.#o.logger.error({ err: error, key, offset: message.offset }, "unreadable detector state skipped");
      }
    });
    const seconds = (performance.now() - begun) / 1000;
    this.#o.metrics.restoreSeconds.observe(seconds);
    this.#o.metrics.restoreRecords.inc(result.messages);
    this.#o.metrics.suites.set(this.#o.suites.size);
    this.#o.logger.info(
      { partitions: [...partitions], records: result.messages, restored, unreadable, seconds },
      "detector suites restored",
    );
  }

  /** Forgets the suites of partitions this worker no longer owns. */
  onPartitionsRevoked(tps: readonly TopicPartition[]): void {
    const partitions = new Set(tps.map((tp) => tp.partition));
    for (const p of partitions) this.#touched.delete(p);
    const dropped = this.#o.suites.dropPartitions(partitions);
    this.#o.metrics.suites.set(this.#o.suites.size);
    this.#o.logger.info({ partitions: [...partitions], dropped }, "suites of revoked partitions dropped");
  }
}
