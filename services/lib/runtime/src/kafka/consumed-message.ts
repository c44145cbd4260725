import type { MessageHeaders } from "../tracing/kafka-trace-headers.ts";

/**
 * One message read from Kafka, as the seam hands it to handlers (independent of the client library).
 *
 * Offsets are decimal strings because Kafka offsets are 64-bit.
 */
export interface ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: MessageHeaders;
  /** Broker or producer timestamp, ms since the epoch, as a decimal string. */
  readonly timestamp: string;
}

/** A topic and one of its partitions. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** `topic:partition`, the key the seam uses for per-partition state. */
export function topicPartitionKey(tp: TopicPartition): string {
  return `${tp.topic}:${tp.partition}`;
}
