/**
 * Jest global setup of the integration project: finds or starts the real Kafka broker (see test/broker.ts),
 * exports its address to the test workers as KAFKA_BROKERS, creates the project's topics and prints one
 * line naming the broker used, so a test log always says what it ran against.
 */
import { Kafka, logLevel } from "kafkajs";
import { ensureTopics } from "../services/lib/runtime/src/kafka/topics.ts";
import { type IntegrationBroker, startIntegrationBroker } from "./broker.ts";

declare global {
  /** The broker started by global setup, read by global teardown (same process). */
  var __twinstateIntegrationBroker: IntegrationBroker | undefined;
}

export default async function globalSetup(): Promise<void> {
  const broker = await startIntegrationBroker();
  globalThis.__twinstateIntegrationBroker = broker;
  process.env.KAFKA_BROKERS = broker.brokers.join(",");
  const admin = new Kafka({
    clientId: "twinstate-test-setup",
    brokers: [...broker.brokers],
    logLevel: logLevel.ERROR,
  }).admin();
  try {
    await admin.connect();
    const topics = await ensureTopics(admin);
    console.log(
      `\nintegration broker: ${broker.description}; topics: ${topics.created.length} created, ${topics.existing.length} existing`,
    );
  } catch (error) {
    await broker.stop();
    throw error;
  } finally {
    await admin.disconnect();
  }
}
