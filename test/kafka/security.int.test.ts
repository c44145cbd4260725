/**
 * Kafka TLS and SASL are configuration, tested against a real broker listener (ARCHITECTURE.md, Security).
 *
 * Starts its own broker in secure mode (scripts/kafka/start.sh --secure: SASL_SSL and mTLS listeners with a
 * throwaway CA), not the shared PLAINTEXT test broker, and drives it through the runtime seam exactly as a
 * service would: environment variables → `loadConfig` → `createKafka` → the seam's producer and reader.
 * Positive cases produce, send transactionally and read back with read_committed; negative cases must fail
 * with a typed error naming the cause (authentication, certificate), never hang.
 *
 * A failed SASL authentication is not retriable for kafkajs: it surfaces at once. A failed TLS handshake is a
 * retriable connection error for kafkajs, so it surfaces only after the client's retries (~10 s with the
 * defaults the seam keeps) as KafkaJSNumberOfRetriesExceeded around the KafkaJSConnectionError that holds
 * the TLS error code; the four handshake cases therefore run side by side in one test.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  baseConfigSchema,
  createKafka,
  createLogger,
  type Kafka,
  KafkaError,
  KafkaProducer,
  loadConfig,
  readTopicToEnd,
  waitForTopicLeaders,
} from "@twinstate/runtime";
import { logLevel, Kafka as PlainKafka } from "kafkajs";
import { type SecureBroker, startSecureBroker, unrelatedTlsMaterial } from "./secure-broker.ts";

/** Per-test limit: the integration project's testTimeout is not applied per project by jest 30. */
const TEST_TIMEOUT_MS = 60_000;
/** Start-up limit: provisioning is cached, but format and JVM start take 10–40 s on a loaded 2-core machine. */
const START_TIMEOUT_MS = 180_000;

const logger = createLogger({ service: "security-int", level: "silent" });
const runScript = promisify(execFile);
const run = randomUUID().slice(0, 8);
const mechanisms = ["scram-sha-256", "scram-sha-512", "plain"] as const;
type Mechanism = (typeof mechanisms)[number];

let broker: SecureBroker;
let unrelated: { caFile: string; certFile: string; keyFile: string };

/** The seam's client for a service environment (the env vars a deployment would set). */
function seamKafka(environment: Readonly<Record<string, string>>): Kafka {
  const config = loadConfig({
    schema: baseConfigSchema,
    environment: { SERVICE_NAME: "security-int", LOG_LEVEL: "silent", ...environment },
  });
  return createKafka({ config: config.kafka, defaultClientId: "security-int", logger });
}

/** SASL_SSL environment: TLS verified against the broker's CA, then SASL with `mechanism`. */
function saslSslEnv(mechanism: Mechanism, overrides: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: broker.saslSsl,
    KAFKA_TLS: "true",
    KAFKA_TLS_CA_FILE: broker.caFile,
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: broker.username,
    KAFKA_SASL_PASSWORD: broker.password,
    ...overrides,
  };
}

/** mTLS environment: the SSL listener, which requires a client certificate. */
function mtlsEnv(overrides: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: broker.ssl,
    KAFKA_TLS: "true",
    KAFKA_TLS_CA_FILE: broker.caFile,
    KAFKA_TLS_CERT_FILE: broker.certFile,
    KAFKA_TLS_KEY_FILE: broker.keyFile,
    ...overrides,
  };
}

/** Creates a one-partition scratch topic over the PLAINTEXT listener (set-up, outside the seam). */
async function scratchTopic(suffix: string): Promise<string> {
  const topic = `security.${run}.${suffix}`;
  const admin = new PlainKafka({
    clientId: "security-int-setup",
    brokers: [broker.plaintext],
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: false });
    await waitForTopicLeaders(admin, [topic], 30_000);
    return topic;
  } finally {
    await admin.disconnect();
  }
}

/** Every value on partition 0 of `topic` with read_committed isolation, through the seam's reader. */
async function readValues(kafka: Kafka, topic: string): Promise<string[]> {
  const values: string[] = [];
  await readTopicToEnd(
    kafka,
    topic,
    [0],
    (message) => {
      values.push(message.value?.toString() ?? "");
    },
    { timeoutMs: 30_000 },
  );
  return values;
}

/** The error and everything it wraps (`cause`, kafkajs's `originalError`), outermost first. */
function errorChain(error: unknown): Array<Record<string, unknown>> {
  const chain: Array<Record<string, unknown>> = [];
  let current: unknown = error;
  while (typeof current === "object" && current !== null && chain.length < 10) {
    const record = current as Record<string, unknown>;
    chain.push(record);
    current = record.cause ?? record.originalError;
  }
  return chain;
}

/** The error a promise rejects with (fails the test when it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection, but the operation succeeded");
}

/** Connects an admin client through the seam's client and counts the brokers the cluster describes. */
async function brokerCount(kafka: Kafka): Promise<number> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** The socket error code kafkajs kept on its KafkaJSConnectionError (TLS verification or alert codes). */
function connectionErrorCode(error: unknown): string | undefined {
  const connection = errorChain(error).find((e) => e.name === "KafkaJSConnectionError");
  return typeof connection?.code === "string" ? connection.code : undefined;
}

beforeAll(async () => {
  broker = await startSecureBroker();
  // Inside the broker's data dir, so it goes when the broker's data dir is removed.
  unrelated = await unrelatedTlsMaterial(join(broker.dataDir, "unrelated-tls"));
  console.log(
    `secure broker: SASL_SSL ${broker.saslSsl}, mTLS ${broker.ssl}, PLAINTEXT ${broker.plaintext} ` +
      `(ready in ${broker.startSeconds.toFixed(1)}s, data ${broker.dataDir})`,
  );
}, START_TIMEOUT_MS);

afterAll(async () => {
  await broker?.stop();
}, START_TIMEOUT_MS);

describe("SASL_SSL listener", () => {
  test.each(mechanisms)(
    "%s: the seam produces, sends transactionally (commit and abort) and reads committed records",
    async (mechanism) => {
      const kafka = seamKafka(saslSslEnv(mechanism));
      const topic = await scratchTopic(mechanism);

      const producer = KafkaProducer.fromConfig({ kafka, logger });
      await producer.start();
      const [produced] = await producer.send([{ topic, key: "asset-1", value: `idempotent ${mechanism}` }]);
      await producer.shutdown();
      expect(produced).toMatchObject({ topic, partition: 0, baseOffset: "0" });

      const transactional = kafka.producer({
        transactionalId: `security-int-${run}-${mechanism}`,
        idempotent: true,
        maxInFlightRequests: 1,
      });
      await transactional.connect();
      try {
        const committed = await transactional.transaction();
        await committed.send({ topic, messages: [{ key: "asset-1", value: `committed ${mechanism}` }] });
        await committed.commit();
        const aborted = await transactional.transaction();
        await aborted.send({ topic, messages: [{ key: "asset-1", value: `aborted ${mechanism}` }] });
        await aborted.abort();
      } finally {
        await transactional.disconnect();
      }

      expect(await readValues(kafka, topic)).toEqual([`idempotent ${mechanism}`, `committed ${mechanism}`]);
    },
    TEST_TIMEOUT_MS,
  );

  test.each(mechanisms)(
    "%s with a wrong password: the producer fails with a non-retriable authentication error",
    async (mechanism) => {
      const kafka = seamKafka(saslSslEnv(mechanism, { KAFKA_SASL_PASSWORD: `not-${broker.password}` }));
      const producer = KafkaProducer.fromConfig({ kafka, logger });
      const error = await rejectionOf(producer.start());
      expect(error).toBeInstanceOf(KafkaError);
      const kafkaError = error as KafkaError;
      expect(kafkaError.code).toBe("KAFKA");
      expect(kafkaError.retriable).toBe(false);
      expect(kafkaError.details).toMatchObject({
        operation: "producer connect",
        kafkaErrorName: "KafkaJSSASLAuthenticationError",
      });
      expect(kafkaError.message).toMatch(/authentication failed/i);
      expect(kafkaError.message).toContain(mechanism.toUpperCase());
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "an unknown user is refused the same way",
    async () => {
      const kafka = seamKafka(saslSslEnv("scram-sha-512", { KAFKA_SASL_USERNAME: `nobody-${run}` }));
      const error = await rejectionOf(KafkaProducer.fromConfig({ kafka, logger }).start());
      expect(error).toBeInstanceOf(KafkaError);
      expect((error as KafkaError).retriable).toBe(false);
      expect((error as KafkaError).details).toMatchObject({ kafkaErrorName: "KafkaJSSASLAuthenticationError" });
    },
    TEST_TIMEOUT_MS,
  );
});

describe("TLS handshake", () => {
  test(
    "a CA that did not sign the broker, no CA, no client certificate and a foreign client certificate all fail the handshake with a certificate error",
    async () => {
      const { KAFKA_TLS_CA_FILE: _ca, ...withoutCa } = saslSslEnv("scram-sha-512");
      const { KAFKA_TLS_CERT_FILE: _c, KAFKA_TLS_KEY_FILE: _k, ...withoutClientCert } = mtlsEnv();
      const cases: Record<string, Record<string, string>> = {
        "SASL_SSL, CA file of another CA": saslSslEnv("scram-sha-512", { KAFKA_TLS_CA_FILE: unrelated.caFile }),
        "SASL_SSL, no CA file (system trust store)": withoutCa,
        "mTLS, no client certificate": withoutClientCert,
        "mTLS, client certificate of another CA": mtlsEnv({
          KAFKA_TLS_CERT_FILE: unrelated.certFile,
          KAFKA_TLS_KEY_FILE: unrelated.keyFile,
        }),
      };
      const outcomes = await Promise.all(
        Object.entries(cases).map(async ([name, environment]) => {
          const error = await rejectionOf(KafkaProducer.fromConfig({ kafka: seamKafka(environment), logger }).start());
          const chain = errorChain(error);
          return [
            name,
            {
              typed: error instanceof KafkaError && error.code === "KAFKA" && !error.retriable,
              code: connectionErrorCode(error),
              authenticated: !chain.some((e) => e.name === "KafkaJSSASLAuthenticationError"),
            },
          ] as const;
        }),
      );
      const verificationFailed = { typed: true, code: "SELF_SIGNED_CERT_IN_CHAIN", authenticated: true };
      // The broker aborts the handshake with a TLS alert (42 bad_certificate / 116 certificate_required).
      const refusedByBroker = { typed: true, code: expect.stringMatching(/^ERR_SSL_.*ALERT/), authenticated: true };
      expect(Object.fromEntries(outcomes)).toEqual({
        "SASL_SSL, CA file of another CA": verificationFailed,
        "SASL_SSL, no CA file (system trust store)": verificationFailed,
        "mTLS, no client certificate": refusedByBroker,
        "mTLS, client certificate of another CA": refusedByBroker,
      });
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "KAFKA_TLS_REJECT_UNAUTHORIZED=false accepts the unverified broker (and SASL still authenticates)",
    async () => {
      const environment = saslSslEnv("scram-sha-512", {
        KAFKA_TLS_CA_FILE: unrelated.caFile,
        KAFKA_TLS_REJECT_UNAUTHORIZED: "false",
      });
      expect(await brokerCount(seamKafka(environment))).toBe(1);
      const wrongPassword = seamKafka({ ...environment, KAFKA_SASL_PASSWORD: `not-${broker.password}` });
      const error = await rejectionOf(brokerCount(wrongPassword));
      expect(errorChain(error).some((e) => e.name === "KafkaJSSASLAuthenticationError")).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  test(
    "mTLS with the client certificate and key: the seam produces and reads back",
    async () => {
      const kafka = seamKafka(mtlsEnv());
      const topic = await scratchTopic("mtls");
      const producer = KafkaProducer.fromConfig({ kafka, logger });
      await producer.start();
      await producer.send([{ topic, key: "asset-1", value: "over mTLS" }]);
      await producer.shutdown();
      expect(await readValues(kafka, topic)).toEqual(["over mTLS"]);
    },
    TEST_TIMEOUT_MS,
  );
});

describe("make topics", () => {
  test(
    "scripts/create-topics.ts reaches a SASL_SSL cluster with the services' variables, and is idempotent",
    async () => {
      const script = join(import.meta.dirname, "../../scripts/create-topics.ts");
      const environment = { PATH: process.env.PATH ?? "", ...saslSslEnv("scram-sha-512") };
      const first = await runScript(process.execPath, [script], { env: environment });
      expect(first.stdout).toMatch(/created twin\.state\.v1/);
      expect(first.stdout).toMatch(/topics on .*: \d+ created, 0 already there/);
      const again = await runScript(process.execPath, [script], { env: environment });
      expect(again.stdout).toMatch(/: 0 created, \d+ already there/);
      // and a wrong password is an error exit, not a hang
      await expect(
        runScript(process.execPath, [script], {
          env: { ...environment, KAFKA_SASL_PASSWORD: `not-${broker.password}` },
        }),
      ).rejects.toMatchObject({ code: 1 });
    },
    TEST_TIMEOUT_MS,
  );
});
