import { randomUUID } from "node:crypto";
import type { Kafka } from "kafkajs";
import { KafkaError } from "../errors/kafka-error.ts";
import type { ConsumedMessage } from "./consumed-message.ts";
import { toConsumedMessage } from "./to-consumed-message.ts";

/** Options of {@link readTopicToEnd}. */
export interface ReadTopicToEndOptions {
  /** Give up (with a retriable KafkaError) after this long. Default 300000 ms. */
  readonly timeoutMs?: number;
}

/** What {@link readTopicToEnd} read. */
export interface ReadTopicToEndResult {
  /** Messages passed to `onMessage`. */
  readonly messages: number;
  /** The end offset per partition that was read up to (exclusive): the last stable offset at start. */
  readonly endOffsets: ReadonlyMap<number, string>;
}

/**
 * Reads the given partitions of `topic` from the beginning up to their end offsets captured at start, with
 * read_committed isolation, calling `onMessage` in offset order per partition; used to restore state from a
 * compacted changelog before processing.
 *
 * Why the captured end: the topic keeps growing while we read; state restore needs "everything committed before
 * I took over", and with read_committed the listed end offset is the last stable offset, so an open transaction
 * cannot make the read wait forever. The consumer uses a throw-away group id and never commits offsets.
 * kafkajs has no manual partition assignment, so it subscribes to the topic and pauses partitions not asked for;
 * progress is tracked with the `END_BATCH_PROCESS` event because batches holding only transaction markers or
 * aborted records never reach `eachBatch`.
 */
export async function readTopicToEnd(
  kafka: Kafka,
  topic: string,
  partitions: readonly number[],
  onMessage: (message: ConsumedMessage) => Promise<void> | void,
  options: ReadTopicToEndOptions = {},
): Promise<ReadTopicToEndResult> {
  const admin = kafka.admin();
  const endOffsets = new Map<number, string>();
  const remaining = new Map<number, bigint>();
  try {
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    for (const partition of partitions) {
      const entry = offsets.find((o) => o.partition === partition);
      if (entry === undefined) {
        throw new KafkaError(`topic ${topic} has no partition ${partition}`, {
          details: { topic, partition },
          retriable: false,
        });
      }
      endOffsets.set(partition, entry.high);
      if (BigInt(entry.high) > BigInt(entry.low)) remaining.set(partition, BigInt(entry.high));
    }
  } catch (error) {
    throw KafkaError.wrap("read topic offsets", error, { topic });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  if (remaining.size === 0) return { messages: 0, endOffsets };

  let count = 0;
  let failed = false;
  const consumer = kafka.consumer({ groupId: `twinstate-restore-${topic}-${randomUUID()}`, readUncommitted: false });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new KafkaError(`reading ${topic} to its end timed out`, { details: { topic } })),
        options.timeoutMs ?? 300000,
      );
      const progress = (partition: number, lastOffset: string): void => {
        const end = remaining.get(partition);
        if (end !== undefined && BigInt(lastOffset) + 1n >= end) {
          remaining.delete(partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        }
      };
      consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
        if (event.payload.topic === topic) progress(event.payload.partition, event.payload.lastOffset);
      });
      consumer.on(consumer.events.CRASH, (event) => {
        clearTimeout(timer);
        reject(KafkaError.wrap(`reading ${topic}`, event.payload.error, { topic }));
      });
      const run = async (): Promise<void> => {
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch, pause, heartbeat }) => {
            const end = remaining.get(batch.partition);
            if (end === undefined || failed) {
              pause(); // not asked for, already read to its end, or the read failed
              return;
            }
            for (const message of batch.messages) {
              if (BigInt(message.offset) >= end) break;
              try {
                await onMessage(toConsumedMessage(topic, batch.partition, message));
              } catch (error) {
                // Fail the whole read: a kafkajs retry would hand the same messages to onMessage twice.
                failed = true;
                clearTimeout(timer);
                reject(error);
                pause();
                return;
              }
              count += 1;
            }
            await heartbeat();
          },
        });
      };
      run().catch((error: unknown) => {
        clearTimeout(timer);
        reject(KafkaError.wrap(`reading ${topic}`, error, { topic }));
      });
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return { messages: count, endOffsets };
}
