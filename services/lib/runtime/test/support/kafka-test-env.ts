import { randomUUID } from "node:crypto";
import { type Admin, Kafka, logLevel } from "kafkajs";
import { type KafkaConfig, kafkaConfigSchema } from "../../src/config/base-config-schema.ts";

/**
 * The real broker the integration project's global setup provides (`KAFKA_BROKERS`). There is no fallback:
 * without a broker these tests fail, they never run against a fake.
 */
export function testBrokers(): string[] {
  const brokers = process.env.KAFKA_BROKERS;
  if (brokers === undefined || brokers === "") {
    throw new Error("KAFKA_BROKERS is not set: run the integration project (its global setup starts a broker)");
  }
  return brokers.split(",");
}

/** The validated Kafka config for the test broker. */
export function testKafkaConfig(): KafkaConfig {
  return kafkaConfigSchema.parse({ brokers: testBrokers() });
}

/** A topic or group name no other test (or earlier run) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A plain kafkajs client for test set-up and verification (outside the seam on purpose). */
export function verificationKafka(): Kafka {
  return new Kafka({ clientId: "runtime-int-test", brokers: testBrokers(), logLevel: logLevel.NOTHING });
}

/**
 * Creates topics and waits until every partition has a leader. Not kafkajs's `waitForLeaders`: it retries only
 * LEADER_NOT_AVAILABLE, while a KRaft broker first answers UNKNOWN_TOPIC_OR_PARTITION for a new topic.
 */
export async function createTopics(
  admin: Admin,
  topics: readonly { name: string; partitions: number }[],
): Promise<void> {
  await admin.createTopics({
    waitForLeaders: false,
    topics: topics.map((topic) => ({ topic: topic.name, numPartitions: topic.partitions, replicationFactor: 1 })),
  });
  await waitFor(
    `leaders of ${topics.map((t) => t.name).join(", ")}`,
    async () => {
      try {
        const metadata = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.name) });
        return metadata.topics.every(
          (topic) =>
            topic.partitions.length === topics.find((t) => t.name === topic.name)!.partitions &&
            topic.partitions.every((p) => p.leader >= 0),
        );
      } catch {
        return false;
      }
    },
    30000,
    50,
  );
}

/** Polls `condition` every `intervalMs` until it returns true or `timeoutMs` passes (then throws `what`). */
export async function waitFor(
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 60000,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Total committed offset of `groupId` over every partition of `topic` (-1 counted as 0). */
export async function committedTotal(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (entry?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

/** Committed offset per partition of `groupId` on `topic`. */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Map<number, number>> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((entry?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}
