import type { Kafka } from "kafkajs";
import { KafkaError } from "../errors/kafka-error.ts";

/** The partition numbers of `topic`, ascending (a KafkaError when the topic does not exist or the cluster fails). */
export async function partitionsOf(kafka: Kafka, topic: string): Promise<number[]> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return (topics[0]?.partitions ?? []).map((p) => p.partitionId).sort((a, b) => a - b);
  } catch (error) {
    throw KafkaError.wrap("partitions of topic", error, { topic });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
