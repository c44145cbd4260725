import { readFileSync } from "node:fs";
import { Kafka, type KafkaConfig as KafkajsConfig, logLevel, type SASLOptions } from "kafkajs";
import type { Logger } from "pino";
import type { KafkaConfig } from "../config/base-config-schema.ts";
import { ConfigError } from "../errors/config-error.ts";
import { kafkajsLogCreator } from "../logging/kafkajs-log-creator.ts";

export type { Kafka } from "kafkajs";

/** Options of {@link createKafka}. */
export interface CreateKafkaOptions {
  /** The validated `kafka` section of the service config. */
  readonly config: KafkaConfig;
  /** Client id used when the config sets none (usually the service name). */
  readonly defaultClientId: string;
  /** kafkajs logs are routed into this logger (child `component: "kafkajs"`). */
  readonly logger: Logger;
}

/**
 * Creates the kafkajs client from configuration: brokers, client id, TLS (CA, client certificate and key read
 * from the configured files) and SASL (plain, scram-sha-256, scram-sha-512) passed through, kafkajs logs routed
 * into pino at the logger's level.
 *
 * Why here: this folder is the only code that imports kafkajs, so the client can be swapped in one place.
 */
export function createKafka(options: CreateKafkaOptions): Kafka {
  const { config } = options;
  const kafkajsConfig: KafkajsConfig = {
    clientId: config.clientId ?? options.defaultClientId,
    brokers: [...config.brokers],
    connectionTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    logLevel: kafkajsLevel(options.logger.level),
    logCreator: kafkajsLogCreator(options.logger),
  };
  if (config.tls.enabled) {
    kafkajsConfig.ssl = {
      rejectUnauthorized: config.tls.rejectUnauthorized,
      ...(config.tls.caFile === undefined ? {} : { ca: [readTlsFile("kafka.tls.caFile", config.tls.caFile)] }),
      ...(config.tls.certFile === undefined ? {} : { cert: readTlsFile("kafka.tls.certFile", config.tls.certFile) }),
      ...(config.tls.keyFile === undefined ? {} : { key: readTlsFile("kafka.tls.keyFile", config.tls.keyFile) }),
    };
  }
  if (config.sasl !== undefined) {
    const { mechanism, username, password } = config.sasl;
    const sasl: SASLOptions =
      mechanism === "plain"
        ? { mechanism: "plain", username, password }
        : mechanism === "scram-sha-256"
          ? { mechanism: "scram-sha-256", username, password }
          : { mechanism: "scram-sha-512", username, password };
    kafkajsConfig.sasl = sasl;
  }
  return new Kafka(kafkajsConfig);
}

function readTlsFile(key: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError([{ key, reason: `cannot read ${path}: ${(error as Error).message}` }], { cause: error });
  }
}

/** Maps a pino level to the most verbose kafkajs level we want routed (kafkajs filters before calling us). */
function kafkajsLevel(pinoLevel: string): logLevel {
  switch (pinoLevel) {
    case "trace":
    case "debug":
      return logLevel.DEBUG;
    case "info":
      return logLevel.INFO;
    case "warn":
      return logLevel.WARN;
    case "silent":
      return logLevel.NOTHING;
    default:
      return logLevel.ERROR;
  }
}
