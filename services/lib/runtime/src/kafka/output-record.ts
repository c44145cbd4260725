import type { MessageHeaders } from "../tracing/kafka-trace-headers.ts";

/**
 * A record to produce: topic, key, value bytes and headers (the trace context is added by the seam when the
 * headers carry none). `partition` is normally left out so the key decides it (the default murmur2 partitioner,
 * the same as Java clients, which keeps co-partitioned topics aligned).
 */
export interface OutputRecord {
  readonly topic: string;
  readonly key: Buffer | string | null;
  /** `null` is a tombstone (deletes the key from a compacted topic). */
  readonly value: Buffer | string | null;
  readonly headers?: MessageHeaders;
  readonly partition?: number;
}
