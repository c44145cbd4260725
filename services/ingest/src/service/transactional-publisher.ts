import { injectTraceHeaders, type Kafka, KafkaError, type Logger, type OutputRecord } from "@twinstate/runtime";

type Producer = ReturnType<Kafka["producer"]>;

interface Pending {
  readonly records: readonly OutputRecord[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Options of {@link TransactionalPublisher}. */
export interface TransactionalPublisherOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  /** Stable per live instance; a new producer with the same id fences the old one. */
  readonly transactionalId: string;
  readonly transactionTimeoutMs?: number;
}

/**
 * Produces record groups that did not come from Kafka (gRPC batches) in Kafka transactions, committing
 * every group queued while the previous transaction was in flight in ONE transaction (group commit).
 *
 * Why transactions here too: a gRPC batch's valid readings and dead letters must appear together or not at
 * all for read_committed consumers, the same guarantee as the Kafka path. Why group commit: a transactional
 * producer runs one transaction at a time; batching waiting groups keeps throughput up under many concurrent
 * calls while each caller still learns whether ITS records committed.
 */
export class TransactionalPublisher {
  readonly #options: TransactionalPublisherOptions;
  readonly #logger: Logger;
  #producer: Producer | undefined;
  #queue: Pending[] = [];
  #running = false;
  #idle: Promise<void> = Promise.resolve();
  #connected = false;

  constructor(options: TransactionalPublisherOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: "transactional-publisher" });
  }

  /** Connects and fences any previous producer with the same transactional id. */
  async start(): Promise<void> {
    this.#producer = await this.#createProducer();
    this.#connected = true;
  }

  /** Whether the producer is connected (a readiness check). */
  isReady(): boolean {
    return this.#connected;
  }

  /** Resolves once `records` are committed; rejects (KafkaError) when their transaction failed. */
  publish(records: readonly OutputRecord[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ records, resolve, reject });
      if (!this.#running) {
        this.#running = true;
        this.#idle = this.#drain();
      }
    });
  }

  /** Waits for queued transactions and disconnects. */
  async shutdown(): Promise<void> {
    await this.#idle;
    this.#connected = false;
    await this.#producer?.disconnect().catch(() => undefined);
    this.#producer = undefined;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const group = this.#queue;
        this.#queue = [];
        try {
          await this.#commit(group.flatMap((p) => p.records));
          for (const p of group) p.resolve();
        } catch (error) {
          const wrapped = KafkaError.wrap("grpc batch transaction", error, { groups: group.length });
          this.#logger.warn({ err: wrapped }, "transaction failed; callers are answered with an error");
          for (const p of group) p.reject(wrapped);
          await this.#resetProducer();
        }
      }
    } finally {
      this.#running = false;
    }
  }

  async #commit(records: readonly OutputRecord[]): Promise<void> {
    const producer = this.#producer ?? (this.#producer = await this.#createProducer());
    const transaction = await producer.transaction();
    try {
      const byTopic = new Map<
        string,
        {
          key: Buffer | string | null;
          value: Buffer | string | null;
          headers: Record<string, string | Buffer | (string | Buffer)[] | undefined>;
        }[]
      >();
      for (const r of records) {
        let messages = byTopic.get(r.topic);
        if (messages === undefined) byTopic.set(r.topic, (messages = []));
        messages.push({ key: r.key, value: r.value, headers: injectTraceHeaders({ ...r.headers }) });
      }
      if (byTopic.size > 0) {
        await transaction.sendBatch({
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
          acks: -1,
        });
      }
      await transaction.commit();
    } catch (error) {
      if (transaction.isActive()) await transaction.abort().catch(() => undefined);
      throw error;
    }
  }

  async #resetProducer(): Promise<void> {
    const old = this.#producer;
    this.#producer = undefined;
    await old?.disconnect().catch(() => undefined);
  }

  async #createProducer(): Promise<Producer> {
    const producer = this.#options.kafka.producer({
      transactionalId: this.#options.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.#options.transactionTimeoutMs ?? 60_000,
    });
    try {
      await producer.connect();
      const fence = await producer.transaction();
      await fence.abort();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw KafkaError.wrap("grpc transactional producer init", error, {
        transactionalId: this.#options.transactionalId,
      });
    }
    this.#logger.info({ transactionalId: this.#options.transactionalId }, "transactional producer ready");
    return producer;
  }
}
