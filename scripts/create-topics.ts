/**
 * Creates twinstate's Kafka topics on a cluster (missing ones only) and checks the existing ones, printing
 * one line per topic. The layout comes from `topicSpecs` in @twinstate/runtime, the one declaration.
 *
 * Usage: node scripts/create-topics.ts [--partitions N] [--replication-factor N]
 * Env:   the services' Kafka settings (KAFKA_BROKERS, here defaulting to 127.0.0.1:9092; KAFKA_TLS*, KAFKA_SASL_*;
 *        TWINSTATE_CONFIG), so it reaches a secured cluster the same way they do; KAFKA_TOPIC_PARTITIONS (keyed
 *        topics, default 6), KAFKA_REPLICATION_FACTOR (default 1). Flags win over env.
 * Exit:  0 when every topic exists as declared, 1 on a mismatch (TopicMismatchError) or any other error.
 */
import { parseArgs } from "node:util";
import { baseConfigSchema, createKafka, createLogger, loadConfig } from "../services/lib/runtime/src/index.ts";
import { ensureTopics, TopicMismatchError, topicSpecs } from "../services/lib/runtime/src/kafka/topics.ts";

const { values } = parseArgs({
  options: {
    partitions: { type: "string", default: process.env.KAFKA_TOPIC_PARTITIONS ?? "6" },
    "replication-factor": { type: "string", default: process.env.KAFKA_REPLICATION_FACTOR ?? "1" },
  },
});
// Without KAFKA_BROKERS (or a config file) it targets `make kafka-up`'s local broker, as it always has.
const defaults = { service: "create-topics", logLevel: "error", kafka: { brokers: ["127.0.0.1:9092"] } };
let config: ReturnType<typeof loadConfig<typeof baseConfigSchema>>;
try {
  config = loadConfig({ schema: baseConfigSchema, defaults });
} catch (error) {
  console.error(`create-topics: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const brokers = config.kafka.brokers;
const keyedPartitions = Number(values.partitions);
const replicationFactor = Number(values["replication-factor"]);

const logger = createLogger({ service: config.service, level: config.logLevel });
const kafka = createKafka({ config: config.kafka, defaultClientId: "twinstate-create-topics", logger });
const admin = kafka.admin();
try {
  await admin.connect();
  const result = await ensureTopics(admin, { keyedPartitions, replicationFactor });
  const created = new Set<string>(result.created);
  for (const spec of topicSpecs({ keyedPartitions })) {
    const what = created.has(spec.name) ? "created" : "exists ";
    console.log(`${what} ${spec.name.padEnd(22)} partitions=${spec.partitions} cleanup.policy=${spec.cleanupPolicy}`);
  }
  console.log(
    `topics on ${brokers.join(",")}: ${result.created.length} created, ${result.existing.length} already there`,
  );
} catch (error) {
  if (error instanceof TopicMismatchError) {
    for (const m of error.mismatches) {
      console.error(`mismatch ${m.topic}: ${m.property} is ${m.actual}, declared ${m.expected}`);
    }
  }
  console.error(`create-topics: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await admin.disconnect();
}
