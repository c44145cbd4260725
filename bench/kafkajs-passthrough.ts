import { randomUUID } from "node:crypto";
import type { Kafka } from "kafkajs";

/** Options of {@link kafkajsPassthrough}. */
export interface PassthroughOptions {
  readonly kafka: Kafka;
  /** Topic to copy from (read from the beginning). */
  readonly input: string;
  /** Topic to copy to; created with `partitions` partitions. */
  readonly output: string;
  readonly partitions: number;
  /** Stop once this many messages were copied. */
  readonly expected: number;
}

/** What a pass-through moved and how long it took, from its first batch to its last send. */
export interface PassthroughResult {
  readonly messages: number;
  readonly seconds: number;
  readonly readingsPerS: number;
}

/** Messages per produce request: keeps each request under the broker's record-batch limit. */
const SLICE = 4000;

/**
 * The reference every Kafka benchmark compares its service with: a bare kafkajs consumer and idempotent producer
 * copying `input` to `output` — no transactions, no decoding, no per-message work. Timed from the first fetched
 * batch (group join excluded), so it is comparable with the services timed from their first commit.
 */
export async function kafkajsPassthrough(o: PassthroughOptions): Promise<PassthroughResult> {
  const admin = o.kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: o.output, numPartitions: o.partitions }] });
  await admin.disconnect();
  const producer = o.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const consumer = o.kafka.consumer({ groupId: `bench-pass-${randomUUID().slice(0, 8)}`, maxBytes: 20 << 20 });
  await consumer.connect();
  await consumer.subscribe({ topics: [o.input], fromBeginning: true });
  let moved = 0;
  let firstAt: number | undefined;
  const finished = new Promise<void>((resolve, reject) => {
    consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error));
    void consumer.run({
      eachBatch: async ({ batch, heartbeat }) => {
        firstAt ??= performance.now();
        for (let begin = 0; begin < batch.messages.length; begin += SLICE) {
          await producer.send({
            topic: o.output,
            acks: -1,
            messages: batch.messages.slice(begin, begin + SLICE).map((m) => ({ key: m.key, value: m.value })),
          });
        }
        moved += batch.messages.length;
        await heartbeat();
        if (moved >= o.expected) resolve();
      },
    });
  });
  await finished;
  const seconds = (performance.now() - (firstAt ?? performance.now())) / 1000;
  await consumer.disconnect();
  await producer.disconnect();
  return { messages: moved, seconds, readingsPerS: Math.round(moved / seconds) };
}
