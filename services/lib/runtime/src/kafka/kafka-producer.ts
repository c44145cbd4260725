import { context, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { type Kafka, Partitioners, type Producer, type RecordMetadata } from "kafkajs";
import type { Logger } from "pino";
import { KafkaError } from "../errors/kafka-error.ts";
import { kafkaTracer } from "./kafka-tracer.ts";
import type { OutputRecord } from "./output-record.ts";
import { toTopicMessages } from "./to-topic-messages.ts";

/** Options of {@link KafkaProducer.fromConfig}. */
export interface KafkaProducerOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
}

/** Where one produced record landed. */
export interface ProducedRecord {
  readonly topic: string;
  readonly partition: number;
  /** Offset of the first record of the request on that partition (as the broker reports it). */
  readonly baseOffset: string;
}

/**
 * The seam's non-transactional producer: idempotent (acks=all, one request in flight), sends serialized one after
 * another, a PRODUCER span per record whose context travels in the record's headers, failures as typed
 * {@link KafkaError}s carrying the client's retriable verdict.
 *
 * Why serialized: kafkajs's idempotent producer can assign sequence numbers out of order when sends overlap
 * (kafkajs issues #598, #1005), which the broker rejects as OutOfOrderSequence; a promise chain keeps one send at
 * a time. Use it for ingest-style outputs; exactly-once pipelines use {@link TransactionalBatchProcessor}.
 */
export class KafkaProducer {
  readonly #producer: Producer;
  readonly #logger: Logger;
  #tail: Promise<unknown> = Promise.resolve();
  #connected = false;

  private constructor(options: KafkaProducerOptions) {
    this.#logger = options.logger.child({ component: "kafka-producer" });
    // DefaultPartitioner is kafkajs's murmur2 partitioner compatible with the Java client: keyed topics stay
    // co-partitioned with what other clients write. Choosing it explicitly also silences kafkajs's v2 warning.
    this.#producer = options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.#producer.on(this.#producer.events.CONNECT, () => {
      this.#connected = true;
    });
    this.#producer.on(this.#producer.events.DISCONNECT, () => {
      this.#connected = false;
    });
  }

  /** Creates the producer (not yet connected: call {@link start}). */
  static fromConfig(options: KafkaProducerOptions): KafkaProducer {
    return new KafkaProducer(options);
  }

  /** Connects to the cluster (and obtains the idempotent producer id). */
  async start(): Promise<void> {
    try {
      await this.#producer.connect();
    } catch (error) {
      throw KafkaError.wrap("producer connect", error);
    }
    this.#logger.info("producer connected");
  }

  /** Whether the producer is connected (a readiness check). */
  isConnected(): boolean {
    return this.#connected;
  }

  /**
   * Sends records (any topics) in one request after every earlier send finished; resolves once all are
   * acknowledged by all in-sync replicas. Each record gets a `send <topic>` span, child of the active context.
   */
  send(records: readonly OutputRecord[]): Promise<ProducedRecord[]> {
    const result = this.#tail.then(() => this.#send(records));
    this.#tail = result.catch(() => undefined);
    return result;
  }

  async #send(records: readonly OutputRecord[]): Promise<ProducedRecord[]> {
    if (records.length === 0) return [];
    const active = context.active();
    const spans: Span[] = records.map((record) =>
      kafkaTracer().startSpan(
        `send ${record.topic}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            "messaging.system": "kafka",
            "messaging.operation.type": "send",
            "messaging.destination.name": record.topic,
          },
        },
        active,
      ),
    );
    const topicMessages = toTopicMessages(records, (_record, index) => trace.setSpan(active, spans[index]!));
    try {
      const metadata: RecordMetadata[] = await this.#producer.sendBatch({ topicMessages, acks: -1 });
      return metadata.map((entry) => ({
        topic: entry.topicName,
        partition: entry.partition,
        baseOffset: entry.baseOffset ?? entry.offset ?? "-1",
      }));
    } catch (error) {
      const wrapped = KafkaError.wrap("send", error, { topics: [...new Set(records.map((r) => r.topic))] });
      for (const span of spans) {
        span.recordException(wrapped);
        span.setStatus({ code: SpanStatusCode.ERROR, message: wrapped.message });
      }
      throw wrapped;
    } finally {
      for (const span of spans) span.end();
    }
  }

  /** Waits for pending sends, then disconnects. */
  async shutdown(): Promise<void> {
    await this.#tail;
    await this.#producer.disconnect();
    this.#logger.info("producer disconnected");
  }
}
