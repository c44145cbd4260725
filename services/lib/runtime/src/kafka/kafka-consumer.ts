import type { Consumer, EachBatchPayload, Kafka } from "kafkajs";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { KafkaError } from "../errors/kafka-error.ts";
import { TwinstateError } from "../errors/twinstate-error.ts";
import type { ConsumedMessage } from "./consumed-message.ts";
import type { KafkaProducer } from "./kafka-producer.ts";
import { KafkaSeamMetrics } from "./kafka-seam-metrics.ts";
import { toConsumedMessage } from "./to-consumed-message.ts";
import { withMessageSpan } from "./with-message-span.ts";

/** Handles one message; throwing a retriable error re-delivers it, a non-retriable one is poison. */
export type MessageHandler = (message: ConsumedMessage) => Promise<void> | void;

/** Where poison messages go: a topic and the producer to write it with. */
export interface DeadLetterOptions {
  readonly topic: string;
  readonly producer: KafkaProducer;
}

/** Options of {@link KafkaConsumer.fromConfig}. */
export interface KafkaConsumerOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly handler: MessageHandler;
  /** Where a group with no committed offset starts: the beginning (default) or the end. */
  readonly fromBeginning?: boolean;
  /** Poison messages (handler threw a non-retriable error) are written here with the reason, then skipped. */
  readonly deadLetter?: DeadLetterOptions;
  /** Called when kafkajs gives up on the consumer (crash without restart); the service should exit. */
  readonly onFatal?: (error: Error) => void;
  /** Registry for the seam's metrics ({@link KafkaSeamMetrics}); none recorded when absent. */
  readonly metrics?: Registry;
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
}

/**
 * An at-least-once consumer: eachBatch with `autoCommit: false`, a CONSUMER span per message (child of the trace
 * context in its headers), `heartbeat()` after each message, offsets committed after the messages before them
 * were handled; retriable handler errors are rethrown so their offsets stay uncommitted and the message is
 * re-delivered; non-retriable ones (poison) go to the dead-letter topic with the reason in headers, when one is
 * configured, else they are rethrown too and kafkajs stops the consumer (`onFatal`).
 *
 * Why eachBatch instead of eachMessage: the batch loop lets us check `isRunning()`/`isStale()` between messages,
 * heartbeat during long batches (kafkajs #1527) and commit explicitly.
 */
export class KafkaConsumer {
  readonly #options: KafkaConsumerOptions;
  readonly #logger: Logger;
  readonly #consumer: Consumer;
  readonly #metrics: KafkaSeamMetrics | undefined;
  #joined = false;
  #crashed: Error | undefined;

  private constructor(options: KafkaConsumerOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: "kafka-consumer", groupId: options.groupId });
    this.#metrics = options.metrics === undefined ? undefined : KafkaSeamMetrics.for(options.metrics);
    this.#consumer = options.kafka.consumer({
      groupId: options.groupId,
      ...(options.sessionTimeoutMs === undefined ? {} : { sessionTimeout: options.sessionTimeoutMs }),
      ...(options.heartbeatIntervalMs === undefined ? {} : { heartbeatInterval: options.heartbeatIntervalMs }),
    });
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, () => {
      this.#joined = true;
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

  /** Creates the consumer (not yet connected: call {@link start}). */
  static fromConfig(options: KafkaConsumerOptions): KafkaConsumer {
    return new KafkaConsumer(options);
  }

  /** Connects, subscribes and starts consuming (resolves once the consume loop runs, before the group is joined). */
  async start(): Promise<void> {
    try {
      await this.#consumer.connect();
      await this.#consumer.subscribe({
        topics: [...this.#options.topics],
        fromBeginning: this.#options.fromBeginning ?? true,
      });
      await this.#consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.#eachBatch(payload),
      });
    } catch (error) {
      throw KafkaError.wrap("consumer start", error, { groupId: this.#options.groupId });
    }
  }

  /** Ready = joined the group and not crashed (a readiness check). */
  isReady(): { ok: boolean; reason?: string } {
    if (this.#crashed !== undefined) return { ok: false, reason: `consumer crashed: ${this.#crashed.message}` };
    return this.#joined ? { ok: true } : { ok: false, reason: "consumer has not joined its group" };
  }

  /** Stops fetching, lets the current batch finish and commit, leaves the group and disconnects. */
  async shutdown(): Promise<void> {
    await this.#consumer.stop();
    await this.#consumer.disconnect();
    this.#logger.info("consumer stopped");
  }

  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    let committed = true;
    try {
      for (const raw of batch.messages) {
        if (!payload.isRunning() || payload.isStale()) break;
        const message = toConsumedMessage(batch.topic, batch.partition, raw);
        try {
          await withMessageSpan(message, this.#options.groupId, () => this.#options.handler(message));
        } catch (error) {
          const failure = TwinstateError.from(error);
          if (failure.retriable || this.#options.deadLetter === undefined) throw error;
          await this.#deadLetter(message, failure);
          this.#metrics?.deadLetters.inc({ group: this.#options.groupId, topic: message.topic });
        }
        this.#metrics?.messages.inc({ group: this.#options.groupId, topic: message.topic });
        payload.resolveOffset(raw.offset);
        committed = false;
        await payload.heartbeat();
      }
    } finally {
      // Commit what was handled even when a later message failed: those offsets are done.
      if (!committed) await payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
    }
    this.#metrics?.lag.set(
      { group: this.#options.groupId, topic: batch.topic, partition: String(batch.partition) },
      Math.max(0, Number(batch.offsetLag())),
    );
  }

  async #deadLetter(message: ConsumedMessage, failure: TwinstateError): Promise<void> {
    const deadLetter = this.#options.deadLetter!;
    this.#logger.warn(
      { err: failure, topic: message.topic, partition: message.partition, offset: message.offset },
      "poison message sent to dead-letter topic",
    );
    await deadLetter.producer.send([
      {
        topic: deadLetter.topic,
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          "twinstate-dlq-reason": failure.message,
          "twinstate-dlq-code": failure.code,
          "twinstate-dlq-source": `${message.topic}/${message.partition}/${message.offset}`,
        },
      },
    ]);
  }
}
