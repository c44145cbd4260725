import { accessSync, constants } from "node:fs";
import { z } from "zod";

/** A path to a file the process can read; checked at load time so a wrong path fails start-up, not the first TLS handshake. */
const readableFile = z
  .string()
  .min(1, "must be a non-empty file path")
  .refine(
    (path) => {
      try {
        accessSync(path, constants.R_OK);
        return true;
      } catch {
        return false;
      }
    },
    { error: (issue) => `file ${JSON.stringify(issue.input)} does not exist or is not readable` },
  );

const port = z.number().int("must be an integer").min(0, "must be 0..65535").max(65535, "must be 0..65535");

/** The SASL mechanisms the Kafka seam supports. */
export const saslMechanisms = ["plain", "scram-sha-256", "scram-sha-512"] as const;

/** Pino log levels accepted in configuration. */
export const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const kafkaTlsSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    caFile: readableFile.optional(),
    certFile: readableFile.optional(),
    keyFile: readableFile.optional(),
    rejectUnauthorized: z.boolean().default(true),
  })
  .superRefine((tls, ctx) => {
    if (tls.certFile !== undefined && tls.keyFile === undefined) {
      ctx.addIssue({ code: "custom", path: ["keyFile"], message: "required when a client certificate is set" });
    }
    if (tls.keyFile !== undefined && tls.certFile === undefined) {
      ctx.addIssue({ code: "custom", path: ["certFile"], message: "required when a client key is set" });
    }
    // A CA or client certificate without TLS on would silently connect in plain text and fail much later
    // with a generic "Closed connection" against a TLS listener: refuse it at start, naming the switch.
    if (!tls.enabled) {
      for (const key of ["caFile", "certFile", "keyFile"] as const) {
        if (tls[key] !== undefined) {
          ctx.addIssue({ code: "custom", path: [key], message: "is set but TLS is off: set KAFKA_TLS=true" });
        }
      }
    }
  });

const kafkaSaslSchema = z.strictObject({
  // Kafka spells mechanisms in upper case (SCRAM-SHA-512); accept either spelling.
  mechanism: z.preprocess((value) => (typeof value === "string" ? value.toLowerCase() : value), z.enum(saslMechanisms)),
  username: z.string().min(1, "must not be empty"),
  password: z.string().min(1, "must not be empty"),
});

/** Kafka connection settings shared by every service. */
export const kafkaConfigSchema = z.strictObject({
  brokers: z
    .array(z.string().regex(/^[^\s,]+:\d{1,5}$/, "each broker must be host:port"))
    .min(1, "at least one broker (host:port) is required"),
  clientId: z.string().min(1).optional(),
  tls: kafkaTlsSchema.prefault({}),
  sasl: kafkaSaslSchema.optional(),
  connectionTimeoutMs: z.number().int().positive().default(3000),
  requestTimeoutMs: z.number().int().positive().default(30000),
});

/** Validated Kafka connection settings. */
export type KafkaConfig = z.infer<typeof kafkaConfigSchema>;

/** How gRPC calls are authenticated: `tokens` (bearer tokens from a hashed token file) or `disabled` (local dev only). */
export const grpcAuthModes = ["tokens", "disabled"] as const;

/**
 * gRPC transport security: a server certificate and key turn TLS on; a client CA additionally requires and
 * verifies client certificates (mTLS). Nothing set = plain text (local development).
 */
export const grpcTlsConfigSchema = z
  .strictObject({
    certFile: readableFile.optional(),
    keyFile: readableFile.optional(),
    clientCaFile: readableFile.optional(),
  })
  .superRefine((tls, ctx) => {
    if (tls.certFile !== undefined && tls.keyFile === undefined) {
      ctx.addIssue({ code: "custom", path: ["keyFile"], message: "required when a server certificate is set" });
    }
    if (tls.keyFile !== undefined && tls.certFile === undefined) {
      ctx.addIssue({ code: "custom", path: ["certFile"], message: "required when a server key is set" });
    }
    if (tls.clientCaFile !== undefined && tls.certFile === undefined) {
      ctx.addIssue({ code: "custom", path: ["certFile"], message: "required when a client CA (mTLS) is set" });
    }
  });

/**
 * gRPC call authentication. The tokens file is checked for readability here; whether `tokens` mode has one is
 * checked when a service builds its authenticator (`createAuthenticator`), so services that do not (yet)
 * authenticate still load their configuration.
 */
export const grpcAuthConfigSchema = z.strictObject({
  mode: z.enum(grpcAuthModes).default("tokens"),
  tokensFile: readableFile.optional(),
});

/** gRPC server settings: port, TLS and authentication. */
export const grpcConfigSchema = z.strictObject({
  port: port.default(50051),
  tls: grpcTlsConfigSchema.prefault({}),
  auth: grpcAuthConfigSchema.prefault({}),
});

/** Validated gRPC server settings. */
export type GrpcConfig = z.infer<typeof grpcConfigSchema>;

/**
 * The configuration every twinstate service has: its name, log level, the metrics/health HTTP port, the gRPC
 * port, Kafka, the optional OTLP endpoint and the shutdown grace period.
 *
 * Why a shared schema: every service is configured and operated the same way; a service adds its own section
 * with `baseConfigSchema.extend({ assimilation: z.strictObject({...}).prefault({}) })`. Objects are strict so a
 * misspelt key in a config file is an error, not a silently ignored setting.
 */
export const baseConfigSchema = z.object({
  service: z.string().regex(/^[a-z][a-z0-9-]*$/, "must be a lowercase name like 'assimilation'"),
  logLevel: z.enum(logLevels).default("info"),
  http: z.strictObject({ port: port.default(9464) }).prefault({}),
  grpc: grpcConfigSchema.prefault({}),
  // A missing `kafka` section is validated as {} so the error names `kafka.brokers`, not the whole section.
  kafka: z.preprocess((value) => value ?? {}, kafkaConfigSchema),
  otlp: z.strictObject({ endpoint: z.url("must be a URL like http://collector:4318").optional() }).prefault({}),
  shutdown: z
    .strictObject({ graceMs: z.number().int("must be an integer").positive("must be > 0").default(10000) })
    .prefault({}),
});

/** The validated base configuration. */
export type BaseConfig = z.infer<typeof baseConfigSchema>;
