/**
 * The broker the project runs, checked with the client the services use (kafkajs 2.2.4): the declared
 * topics exist as declared, transactions with sendOffsets are atomic and invisible to read_committed
 * readers when aborted, and consumer groups join, split partitions and consume.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { type Admin, type Consumer, Kafka, type KafkaMessage, logLevel } from "kafkajs";
import {
  DEFAULT_KEYED_PARTITIONS,
  ensureTopics,
  TopicMismatchError,
  Topics,
  topicSpecs,
  waitForTopicLeaders,
} from "../../services/lib/runtime/src/kafka/topics.ts";
import { integrationBrokers } from "../broker.ts";

/** Per-test limit: the integration project's testTimeout is not applied per project by jest 30. */
const TEST_TIMEOUT_MS = 60_000;

// kafkajs logs every retried broker response (coordinator loading, concurrent transactions) at ERROR;
// failures surface as thrown errors and failed assertions instead.
const kafka = new Kafka({ clientId: "broker-int-test", brokers: integrationBrokers(), logLevel: logLevel.NOTHING });
const run = randomUUID().slice(0, 8);
let admin: Admin;

/** Polls `check` until it returns true or `timeoutMs` passes. */
async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Creates a scratch topic for one test (auto-creation is off on the project's broker). */
async function scratchTopic(suffix: string, partitions: number): Promise<string> {
  const topic = `it.${run}.${suffix}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: false });
  await waitForTopicLeaders(admin, [topic], 30_000);
  return topic;
}

/**
 * Reads a topic from the beginning with a fresh group until `stop` says so, returning every value seen.
 * `readUncommitted` selects the isolation level (kafkajs reads committed by default).
 */
async function readTopic(
  topic: string,
  stop: (values: string[]) => boolean,
  readUncommitted = false,
): Promise<string[]> {
  const consumer = kafka.consumer({
    groupId: `it.${run}.reader.${randomUUID()}`,
    readUncommitted,
    maxWaitTimeInMs: 250,
  });
  const values: string[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value?.toString() ?? "");
      },
    });
    await waitFor(`messages on ${topic}`, () => stop(values));
    return values;
  } finally {
    await consumer.disconnect();
  }
}

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin.disconnect();
});

describe("project topics", () => {
  test(
    "exist with the declared partition counts and cleanup policies",
    async () => {
      const specs = topicSpecs();
      const { topics } = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.name) });
      const partitions = new Map(topics.map((t) => [t.name, t.partitions.length]));
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: specs.map((s) => ({ type: 2, name: s.name, configNames: ["cleanup.policy"] })),
      });
      const policy = new Map(configs.resources.map((r) => [r.resourceName, r.configEntries[0]?.configValue]));
      for (const spec of specs) {
        expect([spec.name, partitions.get(spec.name), policy.get(spec.name)]).toEqual([
          spec.name,
          spec.partitions,
          spec.cleanupPolicy,
        ]);
      }
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "ensureTopics is idempotent on a cluster that has them",
    async () => {
      const result = await ensureTopics(admin);
      expect(result.created).toEqual([]);
      expect(result.existing).toHaveLength(topicSpecs().length);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "ensureTopics reports an existing topic whose partition count differs",
    async () => {
      const mismatch = ensureTopics(admin, { keyedPartitions: 5 });
      await expect(mismatch).rejects.toBeInstanceOf(TopicMismatchError);
      await expect(mismatch).rejects.toMatchObject({
        code: "FAILED_PRECONDITION",
        mismatches: expect.arrayContaining([
          { topic: Topics.twinState, property: "partitions", expected: "5", actual: String(DEFAULT_KEYED_PARTITIONS) },
        ]),
      });
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "ensureTopics reports an existing topic whose cleanup policy differs",
    async () => {
      // Legacy AlterConfigs (all kafkajs has) replaces a topic's whole config set: restore the declared one.
      const spec = topicSpecs().find((s) => s.name === Topics.twinAlerts)!;
      const declared = { ...spec.configs, "min.insync.replicas": "1" };
      const setConfigs = async (configs: Record<string, string>) => {
        await admin.alterConfigs({
          validateOnly: false,
          resources: [
            {
              type: 2,
              name: spec.name,
              configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
            },
          ],
        });
        // The broker applies config records from the metadata log a moment after the controller accepts them.
        await waitFor("the config change", async () => {
          const { resources } = await admin.describeConfigs({
            includeSynonyms: false,
            resources: [{ type: 2, name: spec.name, configNames: ["cleanup.policy"] }],
          });
          return resources[0]?.configEntries[0]?.configValue === configs["cleanup.policy"];
        });
      };
      await setConfigs({ ...declared, "cleanup.policy": "compact" });
      try {
        await expect(ensureTopics(admin)).rejects.toMatchObject({
          code: "FAILED_PRECONDITION",
          mismatches: [{ topic: spec.name, property: "cleanup.policy", expected: "delete", actual: "compact" }],
        });
      } finally {
        await setConfigs(declared);
      }
      await expect(ensureTopics(admin)).resolves.toMatchObject({ created: [] });
    },
    TEST_TIMEOUT_MS,
  );
});

describe("transactions (kafkajs transactional producer)", () => {
  test(
    "commit makes output and input offsets visible atomically; abort hides output from read_committed",
    async () => {
      const input = await scratchTopic("txn-in", 1);
      const output = await scratchTopic("txn-out", 1);
      const groupId = `it.${run}.txn-group`;

      const plain = kafka.producer();
      await plain.connect();
      await plain.send({ topic: input, messages: ["a", "b", "c"].map((value) => ({ key: "k", value })) });
      await plain.disconnect();

      const producer = kafka.producer({
        transactionalId: `it.${run}.txn`,
        idempotent: true,
        maxInFlightRequests: 1,
      });
      await producer.connect();
      try {
        const committed = await producer.transaction();
        await committed.send({ topic: output, messages: [{ key: "k", value: "committed-1" }] });
        await committed.send({ topic: output, messages: [{ key: "k", value: "committed-2" }] });
        await committed.sendOffsets({
          consumerGroupId: groupId,
          topics: [{ topic: input, partitions: [{ partition: 0, offset: "3" }] }],
        });
        await committed.commit();

        const aborted = await producer.transaction();
        await aborted.send({ topic: output, messages: [{ key: "k", value: "aborted-1" }] });
        await aborted.sendOffsets({
          consumerGroupId: groupId,
          topics: [{ topic: input, partitions: [{ partition: 0, offset: "99" }] }],
        });
        await aborted.abort();

        const sentinel = await producer.transaction();
        await sentinel.send({ topic: output, messages: [{ key: "k", value: "after-abort" }] });
        await sentinel.commit();
      } finally {
        await producer.disconnect();
      }

      // The committed offset is the one of the committed transaction, not of the aborted one.
      const offsets = await admin.fetchOffsets({ groupId, topics: [input] });
      expect(offsets).toEqual([{ topic: input, partitions: [{ partition: 0, offset: "3", metadata: null }] }]);

      const readCommitted = await readTopic(output, (v) => v.includes("after-abort"));
      expect(readCommitted).toEqual(["committed-1", "committed-2", "after-abort"]);

      // The aborted record was really written: a read_uncommitted reader sees it.
      const readUncommitted = await readTopic(output, (v) => v.includes("after-abort"), true);
      expect(readUncommitted).toEqual(["committed-1", "committed-2", "aborted-1", "after-abort"]);
    },
    TEST_TIMEOUT_MS,
  );
});

describe("consumer groups", () => {
  test(
    "two members join one group, split the partitions and consume every message",
    async () => {
      const partitions = 4;
      const topic = await scratchTopic("group", partitions);
      const groupId = `it.${run}.group`;
      const keys = Array.from({ length: 40 }, (_, i) => `tenant/asset-${i}`);
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, messages: keys.map((key) => ({ key, value: key })) });
      await producer.disconnect();

      const seen: Array<{ member: number; message: KafkaMessage }> = [];
      const assignments = new Map<number, number[]>();
      const consumers: Consumer[] = [];
      try {
        for (const member of [0, 1]) {
          const consumer = kafka.consumer({
            groupId,
            heartbeatInterval: 500,
            sessionTimeout: 10_000,
            maxWaitTimeInMs: 250,
          });
          consumer.on(consumer.events.GROUP_JOIN, (event) => {
            assignments.set(member, event.payload.memberAssignment[topic] ?? []);
          });
          consumers.push(consumer);
          await consumer.connect();
          await consumer.subscribe({ topic, fromBeginning: true });
          await consumer.run({
            eachMessage: async ({ message }) => {
              seen.push({ member, message });
            },
          });
        }
        // Both members hold a disjoint share of all partitions once the second join has settled.
        await waitFor("a two-member assignment", () => {
          const owned = [...assignments.values()].flat();
          return assignments.size === 2 && owned.length === partitions && new Set(owned).size === partitions;
        });
        await waitFor("all messages", () => new Set(seen.map((s) => s.message.key?.toString())).size === keys.length);
        expect(new Set(seen.map((s) => s.message.key?.toString()))).toEqual(new Set(keys));

        const group = await admin.describeGroups([groupId]);
        expect(group.groups[0]?.state).toBe("Stable");
        expect(group.groups[0]?.members).toHaveLength(2);
        for (const owned of assignments.values()) expect(owned.length).toBeGreaterThan(0);
      } finally {
        for (const consumer of consumers) await consumer.disconnect();
      }

      // Offsets were committed for every partition up to its end (autoCommit on disconnect).
      const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
      const ends = await admin.fetchTopicOffsets(topic);
      const endByPartition = new Map(ends.map((e) => [e.partition, e.high]));
      for (const p of committed[0]?.partitions ?? []) {
        expect([p.partition, p.offset]).toEqual([p.partition, endByPartition.get(p.partition)]);
      }
      expect(committed[0]?.partitions).toHaveLength(partitions);
    },
    TEST_TIMEOUT_MS,
  );
});
