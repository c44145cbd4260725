/**
 * Finds the real Kafka broker the integration tests run against, starting one when none is given.
 *
 * Order: `KAFKA_BROKERS` when set (an existing cluster: nothing is started or stopped); a testcontainers
 * Kafka container when a Docker engine answers; otherwise the project's own local KRaft broker
 * (`scripts/kafka/start.sh`) on a test port with a data dir wiped at each run, so every run starts from an
 * empty cluster. `TWINSTATE_TEST_BROKER=local` skips the container attempt.
 *
 * Several test runs may share one machine (CI next to developers' runs): each local run claims its port pair
 * with an exclusive lock file holding its pid, and moves to the next pair when a live run holds one.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const kafkaDir = join(root, ".kafka");

/** Where the integration broker came from. */
export type BrokerSource = "env" | "testcontainers" | "local";

/** A broker the integration tests can use, and how to release it. */
export interface IntegrationBroker {
  /** Bootstrap addresses (`host:port`). */
  readonly brokers: readonly string[];
  /** Which source provided it. */
  readonly source: BrokerSource;
  /** One human line, e.g. `local KRaft 4.1.2 at 127.0.0.1:19092`. */
  readonly description: string;
  /** Stops what this run started (nothing for `env`). */
  stop(): Promise<void>;
}

/** First port tried for the local test broker; its controller listens on the next port. */
export const DEFAULT_TEST_KAFKA_PORT = 19092;

/** The image used when a Docker engine is reachable: Confluent Platform 8.1 ships Apache Kafka 4.1. */
export const DEFAULT_TEST_KAFKA_IMAGE = "confluentinc/cp-kafka:8.1.0";

/**
 * Bootstrap addresses for a test, from `KAFKA_BROKERS` (set by the integration project's global setup).
 * Throws when unset, so a test run outside the integration project fails with a reason, not a hang.
 */
export function integrationBrokers(): string[] {
  const value = process.env.KAFKA_BROKERS;
  if (value === undefined || value.trim() === "") {
    throw new Error("KAFKA_BROKERS is not set: run integration tests with `--selectProjects integration`");
  }
  return parseBrokers(value);
}

function parseBrokers(value: string): string[] {
  return value
    .split(",")
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock file exclusively for this process, replacing it when its holder is dead. */
function claim(lock: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(readFileSync(lock, "utf8").trim());
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) return false;
      rmSync(lock, { force: true });
    }
  }
  return false;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolvePort(false);
    });
    socket.once("error", () => resolvePort(true));
  });
}

async function startLocal(): Promise<IntegrationBroker> {
  mkdirSync(kafkaDir, { recursive: true });
  const base = Number(process.env.TWINSTATE_TEST_KAFKA_PORT ?? DEFAULT_TEST_KAFKA_PORT);
  for (let port = base; port < base + 20; port += 2) {
    const lock = join(kafkaDir, `test-${port}.lock`);
    if (!claim(lock)) continue;
    const dataDir = join(kafkaDir, `test-${port}`);
    const env = { ...process.env, KAFKA_PORT: String(port), KAFKA_DATA_DIR: dataDir };
    try {
      // A broker left by a run that was killed before its teardown: stop it, then start from empty.
      await run(join(root, "scripts/kafka/stop.sh"), [], { env });
      if (!(await portFree(port)) || !(await portFree(port + 1))) {
        unlinkSync(lock);
        continue;
      }
      rmSync(dataDir, { recursive: true, force: true });
      const started = Date.now();
      const { stdout } = await run(join(root, "scripts/kafka/start.sh"), [], { env, maxBuffer: 1 << 20 });
      const address = stdout.trim().split("\n").at(-1) ?? `127.0.0.1:${port}`;
      const stamp = readFileSync(join(kafkaDir, "libs/.provisioned"), "utf8");
      const version = /kafka=(\S+)/.exec(stamp)?.[1] ?? "?";
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      return {
        brokers: [address],
        source: "local",
        description: `local KRaft ${version} at ${address} (ready in ${seconds}s, data ${dataDir})`,
        async stop() {
          try {
            await run(join(root, "scripts/kafka/stop.sh"), [], { env });
          } finally {
            rmSync(lock, { force: true });
          }
        },
      };
    } catch (error) {
      rmSync(lock, { force: true });
      const stderr = (error as { stderr?: string }).stderr;
      throw new Error(`starting the local test broker on port ${port} failed${stderr ? `:\n${stderr}` : ""}`, {
        cause: error,
      });
    }
  }
  throw new Error(`no free port pair for a local test broker in ${base}..${base + 19}`);
}

/**
 * Starts a Kafka container when a container runtime answers; returns undefined (quickly: testcontainers
 * only probes sockets) when there is none, which is the signal to fall back to the local broker.
 */
async function startContainer(): Promise<IntegrationBroker | undefined> {
  const testcontainers = await import("testcontainers");
  try {
    await testcontainers.getContainerRuntimeClient();
  } catch (error) {
    if (error instanceof Error && error.message.includes("Could not find a working container runtime strategy")) {
      return undefined;
    }
    throw error;
  }
  const { KafkaContainer } = await import("@testcontainers/kafka");
  const image = process.env.TWINSTATE_TEST_KAFKA_IMAGE ?? DEFAULT_TEST_KAFKA_IMAGE;
  const container = await new KafkaContainer(image)
    .withKraft()
    .withEnvironment({
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false",
    })
    .start();
  const address = `${container.getHost()}:${container.getMappedPort(9093)}`;
  return {
    brokers: [address],
    source: "testcontainers",
    description: `testcontainers ${image} at ${address}`,
    async stop() {
      await container.stop();
    },
  };
}

/** Finds or starts the integration broker (see the module comment for the order). */
export async function startIntegrationBroker(): Promise<IntegrationBroker> {
  const fromEnv = process.env.KAFKA_BROKERS;
  if (fromEnv !== undefined && fromEnv.trim() !== "") {
    const brokers = parseBrokers(fromEnv);
    return { brokers, source: "env", description: `KAFKA_BROKERS ${brokers.join(",")}`, async stop() {} };
  }
  if (process.env.TWINSTATE_TEST_BROKER !== "local") {
    const container = await startContainer();
    if (container !== undefined) return container;
  }
  return startLocal();
}
