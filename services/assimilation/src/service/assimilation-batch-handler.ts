import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { StateEstimateSchema, TwinCheckpointSchema, ValidatedReadingSchema } from "@twinstate/proto";
import type { Logger, OutputRecord, TransactionalBatchHandler } from "@twinstate/runtime";
import { asBuffer, readTopicToEnd } from "@twinstate/runtime";
import type { Kafka } from "kafkajs";
import type { TwinEngine } from "../engine/twin-engine.ts";
import type { AssimilationMetrics } from "../metrics/assimilation-metrics.ts";

/** A topic and one of its partitions (as the runtime's seam names them). */
interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** Options of {@link AssimilationBatchHandler}. */
export interface AssimilationBatchHandlerOptions {
  readonly engine: TwinEngine;
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly metrics: AssimilationMetrics;
  readonly topics: { readonly estimates: string; readonly state: string };
}

/**
 * Turns validated readings into estimates and changelog records inside the runtime's transactional batches.
 *
 * Per message: one StateEstimate to the estimates topic keyed "tenant/asset". Per batch (endBatch): one
 * TwinCheckpoint per twin the batch touched to the compacted state topic, on the input's partition number,
 * so the worker that owns input partition p restores from state partition p. The runtime commits both and
 * the input offsets in one transaction (invariant 2). On assignment (and after an abort) the partition's
 * twins are dropped and restored from the changelog up to its end before any batch runs (invariant 3).
 */
export class AssimilationBatchHandler implements TransactionalBatchHandler {
  readonly #o: AssimilationBatchHandlerOptions;
  /** Keys touched per input partition since the last endBatch. */
  readonly #touched = new Map<number, Set<string>>();
  /** Input partitions restored and not revoked since. */
  readonly #owned = new Set<number>();
  #gaugesAt = Number.NEGATIVE_INFINITY;

  constructor(options: AssimilationBatchHandlerOptions) {
    this.#o = options;
  }

  process(message: { partition: number; offset: string; value: Buffer | null }): readonly OutputRecord[] {
    if (message.value === null) return [];
    let reading: ReturnType<typeof fromBinary<typeof ValidatedReadingSchema>>;
    try {
      reading = fromBinary(ValidatedReadingSchema, message.value);
    } catch (error) {
      // Ingest only publishes ValidatedReadings; a record that does not decode is not a valid reading.
      this.#o.logger.error(
        { err: error, partition: message.partition, offset: message.offset },
        "undecodable record skipped",
      );
      return [];
    }
    const begun = performance.now();
    const estimate = this.#o.engine.process(reading, { partition: message.partition, offset: BigInt(message.offset) });
    this.#o.metrics.observe(estimate, (performance.now() - begun) / 1000);
    const key = `${estimate.tenant}/${estimate.asset}`;
    if (this.#o.engine.get(key) !== undefined) {
      let set = this.#touched.get(message.partition);
      if (set === undefined) {
        set = new Set();
        this.#touched.set(message.partition, set);
      }
      set.add(key);
    }
    return [{ topic: this.#o.topics.estimates, key, value: asBuffer(toBinary(StateEstimateSchema, estimate)) }];
  }

  endBatch(tp: TopicPartition): readonly OutputRecord[] {
    const keys = this.#touched.get(tp.partition);
    this.#touched.delete(tp.partition);
    if (keys === undefined) return [];
    const out: OutputRecord[] = [];
    for (const key of [...keys].sort()) {
      const checkpoint = this.#o.engine.checkpoint(key);
      out.push({
        topic: this.#o.topics.state,
        key,
        partition: tp.partition,
        value: asBuffer(toBinary(TwinCheckpointSchema, checkpoint)),
      });
    }
    this.#updateGauges();
    return out;
  }

  /** Drops the partitions' twins and restores them from the changelog (read_committed, up to its end). */
  async onPartitionsAssigned(tps: readonly TopicPartition[]): Promise<void> {
    const partitions = new Set(tps.map((tp) => tp.partition));
    // The runtime restores a partition it already holds only after an aborted transaction (or when the
    // previous owner's last transaction completed during the restore): count those as aborts.
    for (const p of partitions) {
      if (this.#owned.has(p)) this.#o.metrics.transactionAborts.inc();
      this.#owned.add(p);
      this.#touched.delete(p);
    }
    this.#o.engine.retain((twin) => !partitions.has(twin.inputPartition));
    const begun = performance.now();
    let restored = 0;
    const result = await readTopicToEnd(this.#o.kafka, this.#o.topics.state, [...partitions], (message) => {
      const key = message.key?.toString() ?? "";
      if (message.value === null) {
        this.#o.engine.drop(key);
        return;
      }
      // A record that cannot be restored quarantines its twin (typed reason) instead of failing the restore,
      // which would otherwise be retried forever and block the partition's other twins.
      const outcome = this.#o.engine.restoreRecord(key, message.partition, message.value);
      if (outcome.restored) {
        restored++;
        return;
      }
      this.#o.metrics.restoreFailures.inc({ reason: outcome.twin.reason });
      this.#o.logger.error(
        {
          err: outcome.error,
          key,
          partition: message.partition,
          offset: message.offset,
          reason: outcome.twin.reason,
        },
        "changelog record not restorable; twin quarantined",
      );
    });
    const seconds = (performance.now() - begun) / 1000;
    this.#o.metrics.restoreSeconds.observe(seconds);
    this.#o.metrics.restoreRecords.inc(result.messages);
    this.#updateGauges(true);
    this.#o.logger.info(
      {
        partitions: [...partitions],
        records: result.messages,
        twins: restored,
        unrestorable: [...this.#o.engine.unrestorable()].length,
        seconds,
      },
      "twins restored",
    );
  }

  /** Forgets the twins of partitions this worker no longer owns. */
  onPartitionsRevoked(tps: readonly TopicPartition[]): void {
    const partitions = new Set(tps.map((tp) => tp.partition));
    for (const p of partitions) {
      this.#touched.delete(p);
      this.#owned.delete(p);
    }
    const dropped = this.#o.engine.retain((twin) => !partitions.has(twin.inputPartition));
    this.#updateGauges(true);
    this.#o.logger.info({ partitions: [...partitions], dropped }, "twins of revoked partitions dropped");
  }

  /** Refreshes the per-class gauges, at most once a second (they scan every owned twin). */
  #updateGauges(force = false): void {
    const now = performance.now();
    if (!force && now - this.#gaugesAt < 1000) return;
    this.#gaugesAt = now;
    let quarantined = 0;
    const sums = new Map<string, { names: readonly string[]; sum: number[]; count: number }>();
    for (const twin of this.#o.engine.twins()) {
      if (this.#o.engine.isQuarantined(twin)) {
        quarantined++;
        continue;
      }
      const names = twin.twinClass.stateNames;
      let s = sums.get(twin.twinClass.id);
      if (s === undefined) {
        s = { names, sum: names.map(() => 0), count: 0 };
        sums.set(twin.twinClass.id, s);
      }
      if (names.length !== s.sum.length) continue;
      const n = names.length;
      for (let i = 0; i < n; i++) s.sum[i] = (s.sum[i] ?? 0) + Math.sqrt(Math.max(0, twin.lastP[i * n + i] ?? 0));
      s.count++;
    }
    for (const _ of this.#o.engine.unrestorable()) quarantined++;
    this.#o.metrics.quarantinedTwins.set(quarantined);
    this.#o.metrics.twins.set(this.#o.engine.size);
    for (const [twinClass, s] of sums) {
      s.names.forEach((variable, i) => {
        this.#o.metrics.uncertainty.set({ twin_class: twinClass, variable }, (s.sum[i] ?? 0) / s.count);
      });
    }
  }
}
