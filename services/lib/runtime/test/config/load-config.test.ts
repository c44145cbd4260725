import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "@jest/globals";
import { z } from "zod";
import { baseConfigSchema } from "../../src/config/base-config-schema.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { ConfigError } from "../../src/errors/config-error.ts";

const dir = mkdtempSync(join(tmpdir(), "twinstate-config-"));
let files = 0;
function file(name: string, text: string): string {
  const path = join(dir, `${files++}-${name}`);
  writeFileSync(path, text);
  return path;
}

function load(environment: Record<string, string>, defaults: Record<string, unknown> = { service: "ingest" }) {
  return loadConfig({ schema: baseConfigSchema, environment, defaults });
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig from the environment", () => {
  test("parses the base settings with defaults", () => {
    const config = load({ KAFKA_BROKERS: "a:9092, b:9093", HTTP_PORT: "0", KAFKA_TLS: "false" });
    expect(config.kafka.brokers).toEqual(["a:9092", "b:9093"]);
    expect(config.http.port).toBe(0);
    expect(config.grpc.port).toBe(50051);
    expect(config.logLevel).toBe("info");
    expect(config.kafka.tls).toEqual({ enabled: false, rejectUnauthorized: true });
    expect(config.shutdown.graceMs).toBe(10000);
    expect(config.otlp.endpoint).toBeUndefined();
  });

  test("a missing required variable is named", () => {
    const error = configError(() => load({}));
    expect(error.message).toContain("KAFKA_BROKERS");
    expect(error.issues[0]!.reason).toBe("required but not set");
    expect(error.code).toBe("INVALID_CONFIG");
  });

  test("a malformed number names the env var and the value", () => {
    const error = configError(() => load({ KAFKA_BROKERS: "k:9092", HTTP_PORT: "eighty" }));
    expect(error.issues).toEqual([{ key: "env HTTP_PORT", reason: 'expected a number, got "eighty"' }]);
  });

  test("an out-of-range value names the env var and why", () => {
    const error = configError(() => load({ KAFKA_BROKERS: "k:9092", GRPC_PORT: "70000" }));
    expect(error.issues).toEqual([{ key: "env GRPC_PORT", reason: "must be 0..65535" }]);
  });

  test("a bad list element names the list's env var", () => {
    const error = configError(() => load({ KAFKA_BROKERS: "k:9092,nohostport" }));
    expect(error.issues[0]!.key).toBe("env KAFKA_BROKERS (kafka.brokers.1)");
    expect(error.issues[0]!.reason).toBe("each broker must be host:port");
  });

  test("SASL without a username names the missing variable", () => {
    const error = configError(() =>
      load({ KAFKA_BROKERS: "k:9092", KAFKA_SASL_MECHANISM: "scram-sha-512", KAFKA_SASL_PASSWORD: "pw" }),
    );
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]!.key).toContain("env KAFKA_SASL_USERNAME");
    expect(error.issues[0]!.reason).toBe("required but not set");
  });

  test("an unknown SASL mechanism is rejected with the accepted ones", () => {
    const error = configError(() =>
      load({
        KAFKA_BROKERS: "k:9092",
        KAFKA_SASL_MECHANISM: "gssapi",
        KAFKA_SASL_USERNAME: "u",
        KAFKA_SASL_PASSWORD: "p",
      }),
    );
    expect(error.issues[0]!.key).toBe("env KAFKA_SASL_MECHANISM");
    expect(error.issues[0]!.reason).toContain("scram-sha-256");
  });

  test("a TLS file that does not exist is named with its env var", () => {
    const error = configError(() =>
      load({ KAFKA_BROKERS: "k:9092", KAFKA_TLS: "true", KAFKA_TLS_CA_FILE: "/nonexistent/ca.pem" }),
    );
    expect(error.issues).toEqual([
      { key: "env KAFKA_TLS_CA_FILE", reason: 'file "/nonexistent/ca.pem" does not exist or is not readable' },
    ]);
  });

  test("a client certificate without its key is rejected", () => {
    const cert = file("cert.pem", "x");
    const error = configError(() => load({ KAFKA_BROKERS: "k:9092", KAFKA_TLS_CERT_FILE: cert }));
    expect(error.issues[0]!.key).toContain("kafka.tls.keyFile");
    expect(error.issues[0]!.key).toContain("env KAFKA_TLS_KEY_FILE");
  });

  test("every problem is reported at once", () => {
    const error = configError(() => load({ HTTP_PORT: "x", LOG_LEVEL: "loud" }, {}));
    const keys = error.issues.map((issue) => issue.key);
    expect(keys).toEqual(expect.arrayContaining(["env HTTP_PORT", "env LOG_LEVEL"]));
    expect(keys.some((key) => key.includes("SERVICE_NAME"))).toBe(true);
    expect(keys.some((key) => key.includes("KAFKA_BROKERS"))).toBe(true);
  });

  test("SASL and TLS settings pass through", () => {
    const ca = file("ca.pem", "ca");
    const config = load({
      KAFKA_BROKERS: "k:9093",
      KAFKA_TLS: "yes",
      KAFKA_TLS_CA_FILE: ca,
      KAFKA_SASL_MECHANISM: "plain",
      KAFKA_SASL_USERNAME: "u",
      KAFKA_SASL_PASSWORD: "p",
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
    });
    expect(config.kafka.tls).toEqual({ enabled: true, caFile: ca, rejectUnauthorized: true });
    expect(config.kafka.sasl).toEqual({ mechanism: "plain", username: "u", password: "p" });
    expect(config.otlp.endpoint).toBe("http://collector:4318");
  });
});

describe("loadConfig from a file", () => {
  test("reads YAML, and the environment overrides the file", () => {
    const path = file(
      "ok.yaml",
      "service: drift\nkafka:\n  brokers: [f:9092]\n  clientId: from-file\nshutdown:\n  graceMs: 2500\n",
    );
    const config = load({ TWINSTATE_CONFIG: path, KAFKA_BROKERS: "e:9092" }, {});
    expect(config.service).toBe("drift");
    expect(config.kafka.brokers).toEqual(["e:9092"]);
    expect(config.kafka.clientId).toBe("from-file");
    expect(config.shutdown.graceMs).toBe(2500);
  });

  test("an invalid field names the file and the field path", () => {
    const path = file("bad.yaml", "kafka:\n  brokers: [f:9092]\nshutdown:\n  graceMs: -5\n");
    const error = configError(() => load({ TWINSTATE_CONFIG: path }));
    expect(error.issues).toEqual([{ key: `file ${path}: shutdown.graceMs`, reason: "must be > 0" }]);
  });

  test("a misspelt key in the file is an error naming it", () => {
    const path = file("typo.json", JSON.stringify({ kafka: { brokers: ["f:9092"], clientID: "x" } }));
    const error = configError(() => load({ TWINSTATE_CONFIG: path }));
    expect(error.issues).toEqual([{ key: `file ${path}: kafka.clientID`, reason: "unknown setting" }]);
  });

  test("a required field missing from both names the env var and the file field", () => {
    const path = file("empty.yaml", "logLevel: debug\n");
    const error = configError(() => load({ TWINSTATE_CONFIG: path }));
    expect(error.issues[0]!.key).toBe(`kafka.brokers (set env KAFKA_BROKERS or file ${path}: kafka.brokers)`);
  });

  test("unparsable YAML names the file", () => {
    const path = file("broken.yaml", "kafka: [unclosed\n");
    const error = configError(() => load({ TWINSTATE_CONFIG: path }));
    expect(error.issues[0]!.key).toBe(`file ${path}`);
    expect(error.issues[0]!.reason).toContain("not valid YAML/JSON");
  });

  test("an unreadable config file names TWINSTATE_CONFIG", () => {
    const error = configError(() => load({ TWINSTATE_CONFIG: "/nonexistent/twinstate.yaml" }));
    expect(error.issues[0]!.key).toBe("env TWINSTATE_CONFIG");
    expect(error.issues[0]!.reason).toContain("/nonexistent/twinstate.yaml");
  });
});

describe("service extensions", () => {
  const schema = baseConfigSchema.extend({
    assimilation: z
      .strictObject({ lagWindowMs: z.number().int().nonnegative("must be >= 0").default(5000) })
      .prefault({}),
  });
  const env = { ASSIMILATION_LAG_WINDOW_MS: { path: "assimilation.lagWindowMs", type: "number" as const } };

  test("a service section gets its defaults and its own env bindings", () => {
    const base = loadConfig({
      schema,
      env,
      environment: { KAFKA_BROKERS: "k:1" },
      defaults: { service: "assimilation" },
    });
    expect(base.assimilation.lagWindowMs).toBe(5000);
    const set = loadConfig({
      schema,
      env,
      environment: { KAFKA_BROKERS: "k:1", ASSIMILATION_LAG_WINDOW_MS: "250" },
      defaults: { service: "assimilation" },
    });
    expect(set.assimilation.lagWindowMs).toBe(250);
  });

  test("a service setting error names the service's env var", () => {
    const error = configError(() =>
      loadConfig({
        schema,
        env,
        environment: { KAFKA_BROKERS: "k:1", ASSIMILATION_LAG_WINDOW_MS: "-1" },
        defaults: { service: "assimilation" },
      }),
    );
    expect(error.issues).toEqual([{ key: "env ASSIMILATION_LAG_WINDOW_MS", reason: "must be >= 0" }]);
  });
});
