import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { metricName } from "../metrics/create-metrics-registry.ts";

const byRegistry = new WeakMap<Registry, KafkaSeamMetrics>();

/**
 * The Kafka seam's own metrics, labelled by consumer group: transactions by outcome, messages processed,
 * dead-lettered messages, transaction and restore durations, and consumer lag per partition.
 *
 * Why in the seam: every pipeline service needs the same pipeline-health series (throughput, lag, restore
 * time, aborts) for the dashboards and the lag-based autoscaler, and only the seam sees batches and
 * transactions. Per-partition lag is bounded by the partition count. One instance per registry
 * ({@link KafkaSeamMetrics.for}), since a prom-client registry rejects a metric name registered twice.
 */
export class KafkaSeamMetrics {
  /** `twinstate_kafka_transactions_total{group,outcome="committed"|"aborted"}`. */
  readonly transactions: Counter<"group" | "outcome">;
  /** `twinstate_kafka_messages_processed_total{group,topic}`: input messages whose processing was committed. */
  readonly messages: Counter<"group" | "topic">;
  /** `twinstate_kafka_dead_letters_total{group,topic}`: poison messages sent to a dead-letter topic. */
  readonly deadLetters: Counter<"group" | "topic">;
  /** `twinstate_kafka_oversized_records_total{group,topic}`: output records over maxRecordBytes, not sent. */
  readonly oversizedRecords: Counter<"group" | "topic">;
  /** `twinstate_kafka_transaction_duration_seconds{group}`: handler + produce + commit of one transaction. */
  readonly transactionSeconds: Histogram<"group">;
  /** `twinstate_kafka_restore_duration_seconds{group}`: the onPartitionsAssigned restore. */
  readonly restoreSeconds: Histogram<"group">;
  /** `twinstate_kafka_consumer_lag_messages{group,topic,partition}`: records behind the high watermark. */
  readonly lag: Gauge<"group" | "topic" | "partition">;

  private constructor(registry: Registry) {
    const registers = [registry];
    this.transactions = new Counter({
      name: metricName("kafka_transactions_total"),
      help: "Kafka transactions of the transactional batch processor, by outcome",
      labelNames: ["group", "outcome"],
      registers,
    });
    this.messages = new Counter({
      name: metricName("kafka_messages_processed_total"),
      help: "Input messages whose processing (and offset) was committed",
      labelNames: ["group", "topic"],
      registers,
    });
    this.deadLetters = new Counter({
      name: metricName("kafka_dead_letters_total"),
      help: "Poison messages written to a dead-letter topic",
      labelNames: ["group", "topic"],
      registers,
    });
    this.oversizedRecords = new Counter({
      name: metricName("kafka_oversized_records_total"),
      help: "Output records larger than the broker accepts, replaced or dropped instead of sent",
      labelNames: ["group", "topic"],
      registers,
    });
    this.transactionSeconds = new Histogram({
      name: metricName("kafka_transaction_duration_seconds"),
      help: "Duration of one transaction: handler, produce, sendOffsets and commit",
      labelNames: ["group"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.restoreSeconds = new Histogram({
      name: metricName("kafka_restore_duration_seconds"),
      help: "Duration of restoring state for newly owned partitions",
      labelNames: ["group"],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.lag = new Gauge({
      name: metricName("kafka_consumer_lag_messages"),
      help: "Records between the last processed offset and the partition's high watermark",
      labelNames: ["group", "topic", "partition"],
      registers,
    });
  }

  /**
   * Creates a consumer group's transaction series at zero. Why: a counter series exists only after its first
   * increment, so without this "aborted" has no series until something aborts, and a dashboard panel or an
   * alert rule over it would see no data instead of 0.
   */
  registerGroup(group: string): void {
    for (const outcome of ["committed", "aborted"]) this.transactions.inc({ group, outcome }, 0);
  }

  /** The seam metrics registered in `registry` (created on first use). */
  static for(registry: Registry): KafkaSeamMetrics {
    let metrics = byRegistry.get(registry);
    if (metrics === undefined) {
      metrics = new KafkaSeamMetrics(registry);
      byRegistry.set(registry, metrics);
    }
    return metrics;
  }
}
