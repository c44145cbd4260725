import { randomUUID } from "node:crypto";
import { type Kafka, KafkaConsumer, type Logger, type MessageHandler } from "@twinstate/runtime";

/** Options of {@link WholeTopicTail}. */
export interface WholeTopicTailOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly topic: string;
  /** Prefix of the consumer group; a random suffix per start is appended (see the class comment). */
  readonly groupIdPrefix: string;
  /** Called for every record, in offset order per partition; must not throw (nothing is retried or dead-lettered). */
  readonly handler: MessageHandler;
  /** Called when the consumer crashes for good (the service should exit). */
  readonly onFatal?: (error: Error) => void;
}

/**
 * Reads a whole topic (read_committed) from its beginning on every start and then tails it, on every worker —
 * what an in-memory view of a topic needs, whatever a previous run of the same worker read.
 *
 * SEAM GAP (local adapter; remove when the runtime offers it): `@twinstate/runtime` has no tailing consumer that
 * leaves group offsets alone. Its only tailing consumer, {@link KafkaConsumer}, always commits its group's
 * offsets after each batch, and with a stable group id a restarted worker would resume after the events it had
 * indexed before and lose them from its view. So this adapter gives {@link KafkaConsumer} a group id unique to
 * this start (`${groupIdPrefix}-${uuid}`): with no committed offset it starts from the beginning, and what it
 * commits is never read again. The cost is one OffsetCommit per fetched batch and an empty group per start,
 * whose offsets the broker keeps for `offsets.retention.minutes` (7 days by default). What the seam would need:
 * a `KafkaConsumer` option such as `commitOffsets: false` (kafkajs: `autoCommit: false` and never calling
 * `commitOffsetsIfNecessary`), or a `tailTopic(kafka, topic, onMessage, { fromBeginning })` beside
 * `readTopicToEnd`.
 */
export class WholeTopicTail {
  readonly #o: WholeTopicTailOptions;
  #consumer: KafkaConsumer | undefined;

  constructor(options: WholeTopicTailOptions) {
    this.#o = options;
  }

  /** Joins a fresh group and starts reading from the beginning (resolves once the consume loop runs). */
  async start(): Promise<void> {
    this.#consumer = KafkaConsumer.fromConfig({
      kafka: this.#o.kafka,
      logger: this.#o.logger,
      groupId: `${this.#o.groupIdPrefix}-${randomUUID()}`,
      topics: [this.#o.topic],
      fromBeginning: true,
      handler: this.#o.handler,
      ...(this.#o.onFatal === undefined ? {} : { onFatal: this.#o.onFatal }),
    });
    await this.#consumer.start();
  }

  /** Ready = the consumer joined its group and did not crash. */
  isReady(): { ok: boolean; reason?: string } {
    return this.#consumer?.isReady() ?? { ok: false, reason: "not started" };
  }

  /** Stops reading and leaves the group. */
  async shutdown(): Promise<void> {
    await this.#consumer?.shutdown();
  }
}
