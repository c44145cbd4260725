import type { Message, TopicMessages } from "kafkajs";
import { recordBatchOverheadBytes } from "./record-size.ts";

/** One record ready to produce: its topic, the kafkajs message and its estimated size ({@link recordSize}). */
export interface SizedMessage {
  readonly topic: string;
  readonly message: Message;
  readonly bytes: number;
}

/**
 * Packs records, in order, into consecutive `sendBatch` payloads of at most `maxBytes` estimated bytes each
 * (records grouped by topic inside a payload, keeping their order within a topic). A record alone larger than
 * `maxBytes` still gets a payload of its own: the caller filters records over the broker's limit first.
 *
 * Why: the broker rejects a produce request whose record batch for one partition exceeds `message.max.bytes`
 * (1 MiB by default); one `sendBatch` per transaction chunk crossed it for large chunks and the transaction then
 * aborted and replayed forever. Bounding the whole payload bounds every partition's batch in it. Sending the
 * payloads one after another keeps each partition's records in order (one producer, one request in flight).
 */
export function toSendBatches(records: readonly SizedMessage[], maxBytes: number): TopicMessages[][] {
  const sends: TopicMessages[][] = [];
  let byTopic = new Map<string, Message[]>();
  let bytes = recordBatchOverheadBytes;
  const flush = (): void => {
    if (byTopic.size === 0) return;
    sends.push([...byTopic].map(([topic, messages]) => ({ topic, messages })));
    byTopic = new Map();
    bytes = recordBatchOverheadBytes;
  };
  for (const record of records) {
    if (byTopic.size > 0 && bytes + record.bytes > maxBytes) flush();
    let messages = byTopic.get(record.topic);
    if (messages === undefined) {
      messages = [];
      byTopic.set(record.topic, messages);
    }
    messages.push(record.message);
    bytes += record.bytes;
  }
  flush();
  return sends;
}
