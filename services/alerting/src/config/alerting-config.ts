import { hostname } from "node:os";
import { baseConfigSchema, type EnvBinding, loadConfig } from "@twinstate/runtime";
import { z } from "zod";

const positiveInt = z.number().int("must be an integer").positive("must be > 0");

const webhookSchema = z.strictObject({
  /** Route name (metrics label `route`). */
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "must be a lowercase name like 'oncall'"),
  url: z.url("must be an http(s) URL"),
  /** HMAC-SHA256 secret for the signature header (prefer secretEnv). */
  secret: z.string().min(1).optional(),
  /** Name of an environment variable holding the secret. */
  secretEnv: z.string().min(1).optional(),
  timeoutMs: positiveInt.default(10000),
  capacity: positiveInt.default(10000),
  headers: z.record(z.string(), z.string()).default({}),
});

/**
 * The alerting service's own configuration section (`alerting:` in the config file, or the env vars in
 * {@link alertingEnvBindings}).
 */
export const alertingSectionSchema = z
  .strictObject({
    topics: z
      .strictObject({
        drift: z.string().min(1).default("twin.drift.v1"),
        estimates: z.string().min(1).default("twin.estimates.v1"),
        alerts: z.string().min(1).default("twin.alerts.v1"),
        state: z.string().min(1).default("alerting.state.v1"),
        /** Exactly-once progress records (the seam's exact resume point after a fence). */
        progress: z.string().min(1).default("twinstate.progress.v1"),
      })
      .prefault({}),
    /** Alert rule files (YAML/JSON), see docs/ALERTING.md. */
    ruleFiles: z.array(z.string().min(1)).default([]),
    /** Labels that group alerts into one webhook notification. */
    groupBy: z.array(z.string().min(1)).min(1).default(["tenant", "alertname"]),
    /** Resolved alerts are forgotten this long (event time) after they resolved. */
    resolvedRetentionMs: positiveInt.default(3_600_000),
    groupId: z.string().min(1).default("twinstate-alerting"),
    /** Consumer group of the routes' feed from the alerts topic. */
    routesGroupId: z.string().min(1).default("twinstate-alerting-routes"),
    transactionalIdPrefix: z.string().min(1).default("twinstate-alerting"),
    instanceId: z.string().min(1).default(`${hostname()}-${process.pid}`),
    maxMessagesPerTransaction: positiveInt.default(5000),
    sessionTimeoutMs: positiveInt.default(30000),
    heartbeatIntervalMs: positiveInt.default(3000),
    alertmanager: z
      .strictObject({
        /** Base URL (e.g. http://127.0.0.1:9093); unset disables the route. */
        url: z.url("must be an http(s) URL").optional(),
        resendIntervalMs: positiveInt.default(60000),
        generatorURL: z.url().optional(),
        timeoutMs: positiveInt.default(10000),
        capacity: positiveInt.default(10000),
      })
      .prefault({}),
    webhooks: z.array(webhookSchema).default([]),
    backoff: z
      .strictObject({
        initialMs: positiveInt.default(500),
        maxMs: positiveInt.default(60000),
        multiplier: z.number().min(1, "must be >= 1").default(2),
        jitter: z.number().min(0).max(1, "must be in [0, 1]").default(0.2),
      })
      .prefault({}),
    /** How often expired silences are removed (ms). */
    silenceExpiryIntervalMs: positiveInt.default(60000),
  })
  .prefault({});

/** The whole alerting configuration: the shared base plus the `alerting` section. */
export const alertingConfigSchema = baseConfigSchema.extend({ alerting: alertingSectionSchema });

/** Validated alerting configuration. */
export type AlertingConfig = z.infer<typeof alertingConfigSchema>;

/** Environment variables of the alerting section (besides the base ones such as `KAFKA_BROKERS`). */
export const alertingEnvBindings: Readonly<Record<string, EnvBinding>> = {
  ALERTING_DRIFT_TOPIC: { path: "alerting.topics.drift" },
  ALERTING_ESTIMATES_TOPIC: { path: "alerting.topics.estimates" },
  ALERTING_ALERTS_TOPIC: { path: "alerting.topics.alerts" },
  ALERTING_STATE_TOPIC: { path: "alerting.topics.state" },
  ALERTING_PROGRESS_TOPIC: { path: "alerting.topics.progress" },
  ALERTING_RULE_FILES: { path: "alerting.ruleFiles", type: "list" },
  ALERTING_GROUP_BY: { path: "alerting.groupBy", type: "list" },
  ALERTING_GROUP_ID: { path: "alerting.groupId" },
  ALERTING_ROUTES_GROUP_ID: { path: "alerting.routesGroupId" },
  ALERTING_TRANSACTIONAL_ID_PREFIX: { path: "alerting.transactionalIdPrefix" },
  ALERTING_INSTANCE_ID: { path: "alerting.instanceId" },
  ALERTING_ALERTMANAGER_URL: { path: "alerting.alertmanager.url" },
  ALERTING_ALERTMANAGER_RESEND_INTERVAL_MS: { path: "alerting.alertmanager.resendIntervalMs", type: "number" },
  ALERTING_GENERATOR_URL: { path: "alerting.alertmanager.generatorURL" },
};

/** Reads the configuration from `TWINSTATE_CONFIG` (file) and the environment; throws ConfigError. */
export function loadAlertingConfig(
  environment: Readonly<Record<string, string | undefined>> = process.env,
): AlertingConfig {
  return loadConfig({
    schema: alertingConfigSchema,
    env: alertingEnvBindings,
    defaults: { service: "alerting" },
    environment,
  });
}

/**
 * The HMAC secret of a webhook: `secret`, or the value of the environment variable named by `secretEnv`
 * (throws naming the variable when it is unset), or undefined (unsigned).
 */
export function webhookSecret(
  webhook: AlertingConfig["alerting"]["webhooks"][number],
  environment: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  if (webhook.secretEnv === undefined) return webhook.secret;
  const value = environment[webhook.secretEnv];
  if (value === undefined || value === "") {
    throw new Error(
      `alerting.webhooks[${webhook.name}].secretEnv: environment variable ${webhook.secretEnv} is not set`,
    );
  }
  return value;
}
