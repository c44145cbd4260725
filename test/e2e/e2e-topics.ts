import { topicSpecs, waitForTopicLeaders } from "@twinstate/runtime";
import { Kafka, logLevel } from "kafkajs";

/** The topic names of one isolated end-to-end cluster: the design's topics under a unique prefix. */
export interface E2eTopics {
  readonly raw: string;
  readonly valid: string;
  readonly dlq: string;
  readonly estimates: string;
  readonly state: string;
  readonly definitions: string;
  readonly drift: string;
  readonly alerts: string;
  readonly driftState: string;
  readonly alertingState: string;
  readonly contracts: string;
}

/**
 * Creates every twinstate topic (layout and configs from the runtime's `topicSpecs`) as `<prefix>.<name>` on
 * the brokers, waits for their leaders and returns the names.
 *
 * Why prefixed copies instead of the real names: the test broker is shared by every integration test of the
 * run, and a `make up` cluster may use the same names on another broker; a unique prefix isolates a run.
 */
export async function createE2eTopics(
  brokers: readonly string[],
  prefix: string,
  keyedPartitions = 3,
): Promise<E2eTopics> {
  const specs = topicSpecs({ keyedPartitions });
  const name = (topic: string) => `${prefix}.${topic}`;
  const admin = new Kafka({
    clientId: "twinstate-e2e-topics",
    brokers: [...brokers],
    logLevel: logLevel.ERROR,
  }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: false,
      topics: specs.map((s) => ({
        topic: name(s.name),
        numPartitions: s.partitions,
        replicationFactor: 1,
        configEntries: Object.entries(s.configs).map(([n, value]) => ({ name: n, value })),
      })),
    });
    await waitForTopicLeaders(
      admin,
      specs.map((s) => name(s.name)),
      30_000,
    );
  } finally {
    await admin.disconnect();
  }
  const byRole = Object.fromEntries(specs.map((s) => [s.role, name(s.name)])) as Record<string, string>;
  return {
    raw: byRole.telemetryRaw!,
    valid: byRole.telemetryValid!,
    dlq: byRole.telemetryDlq!,
    estimates: byRole.twinEstimates!,
    state: byRole.twinState!,
    definitions: byRole.twinDefinitions!,
    drift: byRole.twinDrift!,
    alerts: byRole.twinAlerts!,
    driftState: byRole.driftState!,
    alertingState: byRole.alertingState!,
    contracts: byRole.ingestContracts!,
  };
}
