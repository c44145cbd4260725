/**
 * Generates helm/twinstate/values.schema.json from helm/twinstate/values.yaml: every key becomes a property
 * with `additionalProperties: false` on its object, its type from the default value and its description from
 * the comment above it (`# -- ...`), so values.yaml stays the one place where a key is documented.
 *
 * Why generated: the schema must describe every field and reject unknown ones; hand-keeping two files of
 * ~150 keys in step drifts. Free-form maps (resources, affinity, env, files, ...) and enums are declared in
 * `overrides` below. `--check` exits 1 when the committed schema differs from the generated one.
 *
 * Usage: node scripts/helm/generate-values-schema.ts [--check]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isMap, isScalar, isSeq, type Node, type Pair, parseDocument, type YAMLMap } from "yaml";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const valuesPath = join(root, "helm/twinstate/values.yaml");
const schemaPath = join(root, "helm/twinstate/values.schema.json");

/** A JSON Schema fragment. */
type Schema = Record<string, unknown>;

const stringMap = (description: string): Schema => ({
  type: "object",
  description,
  additionalProperties: { type: "string" },
});
const freeObject = (description: string): Schema => ({ type: "object", description });

/** Schemas for paths (dotted, `*` for any service) that are not plain typed values. */
const overrides: Readonly<Record<string, (description: string) => Schema>> = {
  logLevel: (d) => ({
    type: "string",
    description: d,
    enum: ["fatal", "error", "warn", "info", "debug", "trace", "silent"],
  }),
  "image.pullPolicy": (d) => ({ type: "string", description: d, enum: ["Always", "IfNotPresent", "Never"] }),
  imagePullSecrets: (d) => ({
    type: "array",
    description: d,
    items: { type: "object", required: ["name"], properties: { name: { type: "string" } } },
  }),
  "serviceAccount.annotations": stringMap,
  "kafka.brokers": (d) => ({
    type: "array",
    description: d,
    minItems: 1,
    items: { type: "string", pattern: "^[^\\s,]+:\\d{1,5}$" },
  }),
  "kafka.sasl.mechanism": (d) => ({
    type: "string",
    description: d,
    enum: ["plain", "scram-sha-256", "scram-sha-512"],
  }),
  "twins.files": stringMap,
  "contracts.files": stringMap,
  "alertRules.files": stringMap,
  "alertRoutes.webhooks": (d) => ({
    type: "array",
    description: d,
    items: {
      type: "object",
      additionalProperties: false,
      required: ["name", "url"],
      properties: {
        name: {
          type: "string",
          pattern: "^[a-z0-9][a-z0-9_-]*$",
          description: "Route name (metrics label `route`) and the key of its HMAC secret.",
        },
        url: { type: "string", pattern: "^https?://", description: "Webhook URL." },
        timeoutMs: { type: "integer", minimum: 1, description: "Request timeout in milliseconds." },
      },
    },
  }),
  "alertRoutes.webhookSecrets.values": stringMap,
  podSecurityContext: freeObject,
  securityContext: freeObject,
  "services.*.env": stringMap,
  "services.*.resources": freeObject,
  "services.*.nodeSelector": stringMap,
  "services.*.tolerations": (d) => ({ type: "array", description: d, items: { type: "object" } }),
  "services.*.affinity": freeObject,
  "services.*.podAnnotations": stringMap,
  "serviceMonitor.additionalLabels": stringMap,
  "prometheusRule.additionalLabels": stringMap,
};

/** Descriptions of objects whose comment in values.yaml is a section comment or absent. */
const sectionDescriptions: Readonly<Record<string, string>> = {
  "kafka.tls": "Kafka TLS settings.",
  "kafka.sasl": "Kafka SASL authentication.",
  "alertRoutes.webhookSecrets": "HMAC secrets of the webhooks.",
  "services.*.pdb": "PodDisruptionBudget of the service.",
  "services.*.autoscaling": "HorizontalPodAutoscaler of the service (CPU).",
  "services.*.keda": "KEDA ScaledObject of the service (Kafka consumer lag).",
  services: "The four services; each can be disabled.",
};

function describe(pair: Pair, map: YAMLMap, index: number): string {
  const key = pair.key as Node;
  let comment = key.commentBefore ?? "";
  if (index === 0 && comment === "" && map.commentBefore) comment = map.commentBefore;
  const lines = comment
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const tagged = lines.findIndex((l) => l.startsWith("--"));
  const text = (tagged >= 0 ? lines.slice(tagged) : lines).join(" ").replace(/^--\s*/, "");
  return text;
}

function pattern(path: string): string {
  return path.replace(/^services\.[a-z]+(?=\.|$)/, (m) => (m === "services" ? m : "services.*"));
}

function schemaOf(node: unknown, path: string, description: string): Schema {
  const key = pattern(path);
  const override = overrides[key];
  const desc = description || sectionDescriptions[key] || "";
  if (desc === "") throw new Error(`values.yaml: ${path} has no comment to describe it`);
  if (override) return override(desc);
  if (isMap(node)) {
    const properties: Record<string, Schema> = {};
    node.items.forEach((pair, i) => {
      const name = String((pair.key as { value: unknown }).value);
      const childPath = path === "" ? name : `${path}.${name}`;
      properties[name] = schemaOf(pair.value, childPath, describe(pair, node, i));
    });
    return { type: "object", description: desc, additionalProperties: false, properties };
  }
  if (isSeq(node)) {
    const first = node.items[0];
    const items = isScalar(first) ? { type: typeof first.value === "number" ? "number" : "string" } : {};
    return { type: "array", description: desc, items };
  }
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === "boolean") return { type: "boolean", description: desc };
    if (typeof v === "number") {
      return Number.isInteger(v)
        ? { type: "integer", minimum: 0, description: desc }
        : { type: "number", description: desc };
    }
    return { type: "string", description: desc };
  }
  throw new Error(`values.yaml: ${path} has an unsupported value`);
}

const doc = parseDocument(readFileSync(valuesPath, "utf8"));
const top = schemaOf(doc.contents, "", "Values of the twinstate Helm chart.");
const schema = { $schema: "https://json-schema.org/draft-07/schema#", title: "twinstate", ...top };
const text = `${JSON.stringify(schema, null, 2)}\n`;
if (process.argv.includes("--check")) {
  const current = readFileSync(schemaPath, "utf8");
  if (current !== text) {
    console.error("values.schema.json is out of date: run node scripts/helm/generate-values-schema.ts");
    process.exit(1);
  }
} else {
  writeFileSync(schemaPath, text);
  console.log(`wrote ${schemaPath}`);
}
