import {
  type ConsumedMessage,
  type Kafka,
  KafkaConsumer,
  KafkaError,
  type Logger,
  readTopicToEnd,
} from "@twinstate/runtime";
import { ContractError, type ContractRegistry, readContractRecord } from "../contracts/index.ts";
import type { IngestMetrics } from "../metrics/ingest-metrics.ts";
import type { UnitRegistry } from "../units/index.ts";

/** Options of {@link ContractTopicWatcher}. */
export interface ContractTopicWatcherOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly topic: string;
  /** Consumer group of the live follower; stable per instance (it only ever re-applies, never skips). */
  readonly groupId: string;
  readonly registry: ContractRegistry;
  readonly units: UnitRegistry;
  readonly metrics: IngestMetrics;
  readonly onFatal?: (error: Error) => void;
}

/**
 * Keeps the contract registry in step with the compacted contracts topic: at start it reads the whole topic
 * (read_committed, up to its end) before ingest processes anything, then follows it, so a contract published at
 * run time replaces the running version without a restart. The highest version per id wins (the registry
 * ignores stale versions, so re-reading is harmless); a tombstone removes the contract. An invalid record is
 * logged with its position and the field at fault, counted, and ignored: the version in force stays.
 */
export class ContractTopicWatcher {
  readonly #options: ContractTopicWatcherOptions;
  readonly #logger: Logger;
  #consumer: KafkaConsumer | undefined;

  constructor(options: ContractTopicWatcherOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: "contract-topic-watcher", topic: options.topic });
  }

  /** Reads the topic to its end, then starts following it. */
  async start(): Promise<void> {
    const { kafka, topic } = this.#options;
    const admin = kafka.admin();
    let partitions: number[];
    try {
      await admin.connect();
      partitions = (await admin.fetchTopicOffsets(topic)).map((o) => o.partition);
    } catch (error) {
      throw KafkaError.wrap("contracts topic offsets", error, { topic });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    const read = await readTopicToEnd(kafka, topic, partitions, (m) => this.apply(m));
    this.#logger.info({ records: read.messages, contracts: this.#options.registry.size }, "contracts topic read");
    this.#consumer = KafkaConsumer.fromConfig({
      kafka,
      logger: this.#options.logger,
      groupId: this.#options.groupId,
      topics: [topic],
      fromBeginning: true,
      handler: (m) => this.apply(m),
      ...(this.#options.onFatal === undefined ? {} : { onFatal: this.#options.onFatal }),
    });
    await this.#consumer.start();
  }

  /** Whether the follower is in its group. */
  isReady(): { ok: boolean; reason?: string } {
    return this.#consumer?.isReady() ?? { ok: false, reason: "not started" };
  }

  async shutdown(): Promise<void> {
    await this.#consumer?.shutdown();
  }

  /** Applies one record of the contracts topic to the registry (never throws). */
  apply(message: ConsumedMessage): void {
    const source = `topic ${message.topic} partition ${message.partition} offset ${message.offset}`;
    try {
      const key = message.key === null ? null : message.key.toString("utf8");
      const read = readContractRecord(key, message.value, source, this.#options.units);
      if ("removed" in read) {
        if (this.#options.registry.remove(read.removed)) {
          this.#options.metrics.contractUpdate("removed");
          this.#logger.info({ id: read.removed, source }, "contract removed");
        }
        return;
      }
      const outcome = this.#options.registry.put(read);
      this.#options.metrics.contractUpdate(outcome);
      if (outcome !== "stale") this.#logger.info({ id: read.id, version: read.version, source }, `contract ${outcome}`);
    } catch (error) {
      this.#options.metrics.contractUpdate("invalid");
      const field = error instanceof ContractError ? error.field : undefined;
      this.#logger.error({ err: error, source, field }, "invalid contract record ignored; the version in force stays");
    }
  }
}
