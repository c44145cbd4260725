import { z } from "zod";
import { detectorKinds, severities } from "./alert-rule.ts";
import { parseDuration } from "./parse-duration.ts";

/** A Prometheus/Alertmanager label name. */
export const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const duration = z.string().refine((s) => parseDuration(s) !== undefined, {
  error: "must be a duration like 30s, 5m, 1h30m",
});
const names = z.array(z.string().min(1, "must not be empty")).min(1, "must list at least one value");
const labels = z.record(z.string().regex(labelNamePattern, "label names match [a-zA-Z_][a-zA-Z0-9_]*"), z.string());

const base = {
  id: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "must be letters, digits, '_', '.', '-'"),
  alertname: z.string().min(1).optional(),
  severity: z.enum(severities),
  for: duration.optional(),
  labels: labels.default({}),
  annotations: z.record(z.string(), z.string()).default({}),
  match: z
    .strictObject({ tenant: names.optional(), twinClass: names.optional(), asset: names.optional() })
    .prefault({}),
};

const limit = {
  variable: z.string().min(1),
  above: z.number().finite().optional(),
  below: z.number().finite().optional(),
};

/** A drift rule as written in YAML. */
const driftRuleSchema = z.strictObject({
  ...base,
  kind: z.literal("drift"),
  match: z
    .strictObject({
      tenant: names.optional(),
      twinClass: names.optional(),
      asset: names.optional(),
      detector: names.optional(),
      detectorKind: z.array(z.enum(detectorKinds)).min(1).optional(),
      severity: z.array(z.enum(severities)).min(1).optional(),
      sensor: names.optional(),
    })
    .prefault({}),
  resolveAfter: duration.default("15m"),
});

const thresholdRuleSchema = z.strictObject({
  ...base,
  ...limit,
  kind: z.literal("threshold"),
  hysteresis: z.number().finite().min(0, "must be >= 0").default(0),
});

const prognosticRuleSchema = z.strictObject({
  ...base,
  ...limit,
  kind: z.literal("prognostic"),
  horizon: duration,
  probability: z.number().gt(0, "must be in (0, 1)").lt(1, "must be in (0, 1)"),
  rateVariable: z.string().min(1).optional(),
  diffusion: z.number().finite().min(0, "must be >= 0").default(0),
});

const quarantineRuleSchema = z.strictObject({ ...base, kind: z.literal("quarantine") });

/**
 * Schema of an alert rules document (YAML or JSON): `groupBy` (optional) and `rules`.
 *
 * Why a discriminated union on `kind`: each kind has its own fields and the error for a misspelt field names
 * the kind's allowed set; strict objects make a typo an error instead of a silently ignored setting.
 */
export const alertRulesDocumentSchema = z.strictObject({
  rules: z.array(
    z.discriminatedUnion("kind", [driftRuleSchema, thresholdRuleSchema, prognosticRuleSchema, quarantineRuleSchema]),
  ),
});

/** An alert rules document as parsed (before cross-field checks). */
export type AlertRulesDocument = z.infer<typeof alertRulesDocumentSchema>;
