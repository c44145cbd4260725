/**
 * How one environment variable maps into the configuration tree: the dotted `path` it sets and how its string
 * value is parsed (`list` splits on commas).
 *
 * Why explicit bindings instead of a naming convention: the env var name appears verbatim in error messages and
 * in the Helm chart, so each one is declared once, where it can be found.
 */
export interface EnvBinding {
  readonly path: string;
  readonly type?: "string" | "number" | "boolean" | "list";
}

/** The environment variables of the base configuration (`KAFKA_BROKERS`, `LOG_LEVEL`, …). */
export const baseEnvBindings: Readonly<Record<string, EnvBinding>> = {
  SERVICE_NAME: { path: "service" },
  LOG_LEVEL: { path: "logLevel" },
  HTTP_PORT: { path: "http.port", type: "number" },
  GRPC_PORT: { path: "grpc.port", type: "number" },
  GRPC_TLS_CERT_FILE: { path: "grpc.tls.certFile" },
  GRPC_TLS_KEY_FILE: { path: "grpc.tls.keyFile" },
  GRPC_TLS_CLIENT_CA_FILE: { path: "grpc.tls.clientCaFile" },
  GRPC_AUTH_MODE: { path: "grpc.auth.mode" },
  GRPC_AUTH_TOKENS_FILE: { path: "grpc.auth.tokensFile" },
  KAFKA_BROKERS: { path: "kafka.brokers", type: "list" },
  KAFKA_CLIENT_ID: { path: "kafka.clientId" },
  KAFKA_TLS: { path: "kafka.tls.enabled", type: "boolean" },
  KAFKA_TLS_CA_FILE: { path: "kafka.tls.caFile" },
  KAFKA_TLS_CERT_FILE: { path: "kafka.tls.certFile" },
  KAFKA_TLS_KEY_FILE: { path: "kafka.tls.keyFile" },
  KAFKA_TLS_REJECT_UNAUTHORIZED: { path: "kafka.tls.rejectUnauthorized", type: "boolean" },
  KAFKA_SASL_MECHANISM: { path: "kafka.sasl.mechanism" },
  KAFKA_SASL_USERNAME: { path: "kafka.sasl.username" },
  KAFKA_SASL_PASSWORD: { path: "kafka.sasl.password" },
  OTEL_EXPORTER_OTLP_ENDPOINT: { path: "otlp.endpoint" },
  SHUTDOWN_GRACE_MS: { path: "shutdown.graceMs", type: "number" },
};
