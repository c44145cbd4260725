import type { KafkaMessage } from "kafkajs";
import type { ConsumedMessage } from "./consumed-message.ts";

/** Converts a kafkajs message of `topic`/`partition` into the seam's client-independent {@link ConsumedMessage}. */
export function toConsumedMessage(topic: string, partition: number, message: KafkaMessage): ConsumedMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: message.headers ?? {},
    timestamp: message.timestamp,
  };
}
