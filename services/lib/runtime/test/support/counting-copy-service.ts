import type { TopicPartition } from "../../src/kafka/consumed-message.ts";
import type { Kafka } from "../../src/kafka/create-kafka.ts";
import type { OutputRecord } from "../../src/kafka/output-record.ts";
import { readTopicToEnd } from "../../src/kafka/read-topic-to-end.ts";
import type { TransactionalBatchHandler } from "../../src/kafka/transactional-batch-processor.ts";

/** Topics of the counting copy service. */
export interface CountingCopyTopics {
  readonly input: string;
  readonly output: string;
  /** Compacted-style changelog: key `p<partition>`, value = messages counted on that partition so far. */
  readonly changelog: string;
}

/**
 * A small stateful stream service used by the exactly-once tests: copies each input to the output partition of
 * the same number as `<value>#<n>`, where n counts the messages of that partition (state), and writes the count
 * to a changelog at the end of every batch. Restoring the count from the changelog is what makes `#n` come out
 * as 1, 2, 3… exactly once per input even across aborts, restarts and rebalances — any double processing or
 * missed restore shows up as a gap or a repeat.
 */
export class CountingCopyService {
  readonly counts = new Map<number, number>();
  readonly restores: TopicPartition[][] = [];
  readonly processed: string[] = [];
  readonly #kafka: Kafka;
  readonly #topics: CountingCopyTopics;
  /** Optional failure injection: return extra records (e.g. an oversized one) or throw, per message. */
  readonly #inject: ((value: string) => OutputRecord[] | undefined) | undefined;
  readonly #delayMs: number;

  constructor(
    kafka: Kafka,
    topics: CountingCopyTopics,
    options: { inject?: (value: string) => OutputRecord[] | undefined; delayMs?: number } = {},
  ) {
    this.#kafka = kafka;
    this.#topics = topics;
    this.#inject = options.inject;
    this.#delayMs = options.delayMs ?? 0;
  }

  readonly handler: TransactionalBatchHandler = {
    process: async (message) => {
      if (this.#delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#delayMs));
      const value = message.value!.toString();
      this.processed.push(value);
      const count = (this.counts.get(message.partition) ?? 0) + 1;
      this.counts.set(message.partition, count);
      const extra = this.#inject?.(value) ?? [];
      return [
        { topic: this.#topics.output, key: message.key, value: `${value}#${count}`, partition: message.partition },
        ...extra,
      ];
    },
    endBatch: (tp) => [
      {
        topic: this.#topics.changelog,
        key: `p${tp.partition}`,
        value: String(this.counts.get(tp.partition) ?? 0),
        partition: tp.partition,
      },
    ],
  };

  /** Restores the counts of `partitions` from the changelog (read_committed, up to its end). */
  readonly onPartitionsAssigned = async (partitions: readonly TopicPartition[]): Promise<void> => {
    this.restores.push([...partitions]);
    for (const tp of partitions) this.counts.set(tp.partition, 0);
    await readTopicToEnd(
      this.#kafka,
      this.#topics.changelog,
      partitions.map((tp) => tp.partition),
      (message) => {
        this.counts.set(message.partition, Number(message.value!.toString()));
      },
    );
  };

  readonly onPartitionsRevoked = (partitions: readonly TopicPartition[]): void => {
    for (const tp of partitions) this.counts.delete(tp.partition);
  };
}
