import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import type { Admin } from "kafkajs";
import type { ConsumedMessage } from "../../src/kafka/consumed-message.ts";
import { createKafka } from "../../src/kafka/create-kafka.ts";
import { KafkaProducer } from "../../src/kafka/kafka-producer.ts";
import { readTopicToEnd } from "../../src/kafka/read-topic-to-end.ts";
import { captureLogger } from "../support/capture-logger.ts";
import {
  committedOffsets,
  committedTotal,
  createTopics,
  testBrokers,
  testKafkaConfig,
  uniqueName,
  verificationKafka,
  waitFor,
} from "../support/kafka-test-env.ts";

// jest ignores `testTimeout` inside a project entry, so integration tests pass theirs explicitly.
const TIMEOUT_MS = 240000;
const GRACE_MS = 15000;
const INPUTS = 400;
const PARTITIONS = 3;
const fixture = fileURLToPath(new URL("../fixtures/copy-processor.ts", import.meta.url));
const { logger } = captureLogger("runtime-int", "info");
const kafka = createKafka({ config: testKafkaConfig(), defaultClientId: "runtime-int", logger });
let admin: Admin;

beforeAll(async () => {
  admin = verificationKafka().admin();
  await admin.connect();
});
afterAll(async () => {
  await admin.disconnect();
});

interface RunningChild {
  readonly child: ChildProcess;
  readonly ready: Promise<number>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

function startChild(env: Record<string, string>): RunningChild {
  const child = spawn(process.execPath, [fixture], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let resolveReady: (port: number) => void = () => undefined;
  const ready = new Promise<number>((resolve) => (resolveReady = resolve));
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    const match = /ready (\d+)/.exec(stdout);
    if (match) resolveReady(Number(match[1]));
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, ready, exited, stderr: () => stderr };
}

/** Creates the topics, writes INPUTS readings, and returns the env for the fixture. */
async function prepareStream(extraEnv: Record<string, string> = {}) {
  const topics = { input: uniqueName("in"), output: uniqueName("out"), changelog: uniqueName("state") };
  await createTopics(admin, [
    { name: topics.input, partitions: PARTITIONS },
    { name: topics.output, partitions: PARTITIONS },
    { name: topics.changelog, partitions: PARTITIONS },
  ]);
  const producer = KafkaProducer.fromConfig({ kafka, logger });
  await producer.start();
  const values = Array.from({ length: INPUTS }, (_, i) => `r-${i}`);
  await producer.send(values.map((value, i) => ({ topic: topics.input, key: `acme/asset-${i % 11}`, value })));
  await producer.shutdown();
  const groupId = uniqueName("copy");
  const env = {
    KAFKA_BROKERS: testBrokers().join(","),
    HTTP_PORT: "0",
    LOG_LEVEL: "info",
    SHUTDOWN_GRACE_MS: String(GRACE_MS),
    COPY_INPUT_TOPIC: topics.input,
    COPY_OUTPUT_TOPIC: topics.output,
    COPY_CHANGELOG_TOPIC: topics.changelog,
    COPY_GROUP_ID: groupId,
    COPY_TRANSACTIONAL_ID_PREFIX: uniqueName("copy-tx"),
    COPY_DELAY_MS: "15",
    ...extraEnv,
  };
  return { topics, values, groupId, env };
}

/** Reads the output (read_committed) and checks: every input exactly once, numbered 1..n per partition. */
async function expectEveryInputExactlyOnce(topics: { output: string }, values: readonly string[]): Promise<void> {
  const output: ConsumedMessage[] = [];
  await readTopicToEnd(kafka, topics.output, [0, 1, 2], (message) => void output.push(message));
  const copied = output.map((m) => m.value!.toString().split("#")[0]!);
  expect(copied.length).toBe(INPUTS); // nothing processed twice…
  expect(new Set(copied)).toEqual(new Set(values)); // …nothing lost
  for (let partition = 0; partition < PARTITIONS; partition++) {
    const numbers = output
      .filter((m) => m.partition === partition)
      .map((m) => Number(m.value!.toString().split("#")[1]));
    expect(numbers).toEqual(numbers.map((_, i) => i + 1)); // state restored across the restart
  }
}

describe("graceful shutdown of a real service process", () => {
  test(
    "SIGTERM mid-stream drains within the grace period, commits, and a restart finishes: every input exactly once",
    async () => {
      const { topics, values, groupId, env } = await prepareStream();

      // First run: wait until it is running and has committed part of the stream, then SIGTERM it.
      const first = startChild(env);
      const port = await Promise.race([
        first.ready,
        first.exited.then(() => {
          throw new Error(`fixture exited before ready:\n${first.stderr()}`);
        }),
      ]);
      await waitFor("/readyz 200", async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200);
      await waitFor(
        "part of the stream committed",
        async () => (await committedTotal(admin, groupId, topics.input)) >= 60,
      );
      const signalled = Date.now();
      first.child.kill("SIGTERM");
      const firstExit = await first.exited;
      const drainMs = Date.now() - signalled;
      expect({ exit: firstExit, stderr: firstExit.code === 0 ? "" : first.stderr() }).toEqual({
        exit: { code: 0, signal: null },
        stderr: "",
      });
      console.log(`graceful drain after SIGTERM took ${drainMs} ms (grace ${GRACE_MS} ms)`);
      expect(drainMs).toBeLessThan(GRACE_MS);
      expect(first.stderr()).toContain('"msg":"transactional processor stopped"');

      // Offsets were committed with the outputs: the committed input offsets equal the committed outputs.
      const afterFirst = await committedTotal(admin, groupId, topics.input);
      expect(afterFirst).toBeGreaterThanOrEqual(60);
      expect(afterFirst).toBeLessThan(INPUTS);
      const outputAfterFirst: ConsumedMessage[] = [];
      await readTopicToEnd(kafka, topics.output, [0, 1, 2], (message) => void outputAfterFirst.push(message));
      expect(outputAfterFirst.length).toBe(afterFirst);

      // Second run: restores the counts from the changelog and finishes the stream.
      const second = startChild(env);
      await second.ready;
      await waitFor(
        "whole stream committed",
        async () => (await committedTotal(admin, groupId, topics.input)) === INPUTS,
        180000,
      );
      second.child.kill("SIGTERM");
      expect(await second.exited).toEqual({ code: 0, signal: null });

      const offsets = await committedOffsets(admin, groupId, topics.input);
      const ends = await admin.fetchTopicOffsets(topics.input);
      for (const end of ends) expect(offsets.get(end.partition)).toBe(Number(end.high));

      await expectEveryInputExactlyOnce(topics, values);
    },
    TIMEOUT_MS,
  );

  test(
    "SIGKILL mid-transaction: the restarted worker fences the dead one and the output is still exactly once",
    async () => {
      const { topics, values, groupId, env } = await prepareStream({ COPY_SESSION_TIMEOUT_MS: "6000" });
      const first = startChild(env);
      await first.ready;
      await waitFor(
        "part of the stream committed",
        async () => (await committedTotal(admin, groupId, topics.input)) >= 60,
      );
      first.child.kill("SIGKILL"); // no drain: an open transaction is left behind
      expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });
      const afterKill = await committedTotal(admin, groupId, topics.input);
      expect(afterKill).toBeLessThan(INPUTS);

      const second = startChild(env);
      await second.ready;
      await waitFor(
        "whole stream committed",
        async () => (await committedTotal(admin, groupId, topics.input)) === INPUTS,
        180000,
      );
      second.child.kill("SIGTERM");
      expect(await second.exited).toEqual({ code: 0, signal: null });
      await expectEveryInputExactlyOnce(topics, values);
    },
    TIMEOUT_MS,
  );
});
