import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "@jest/globals";
import { baseConfigSchema } from "../../src/config/base-config-schema.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import { ConfigError } from "../../src/errors/config-error.ts";

const ca = join(mkdtempSync(join(tmpdir(), "twinstate-kafka-tls-")), "ca.pem");
writeFileSync(ca, "-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n");

function load(environment: Record<string, string>) {
  return loadConfig({ schema: baseConfigSchema, environment, defaults: { service: "ingest" } });
}

describe("Kafka TLS and SASL settings", () => {
  test("a CA file without KAFKA_TLS=true is refused, naming the key and the switch", () => {
    let caught: unknown;
    try {
      load({ KAFKA_BROKERS: "a:9092", KAFKA_TLS_CA_FILE: ca });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toContain("KAFKA_TLS_CA_FILE");
    expect((caught as Error).message).toContain("KAFKA_TLS=true");
  });

  test("the same CA file with TLS on is accepted", () => {
    const config = load({ KAFKA_BROKERS: "a:9092", KAFKA_TLS: "true", KAFKA_TLS_CA_FILE: ca });
    expect(config.kafka.tls.enabled).toBe(true);
    expect(config.kafka.tls.caFile).toBe(ca);
  });

  test("SASL mechanisms are accepted in Kafka's upper-case spelling", () => {
    const config = load({
      KAFKA_BROKERS: "a:9092",
      KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
      KAFKA_SASL_USERNAME: "twinstate",
      KAFKA_SASL_PASSWORD: "secret",
    });
    expect(config.kafka.sasl?.mechanism).toBe("scram-sha-512");
  });
});
