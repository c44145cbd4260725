import { z } from "zod";

/**
 * The schema of a data contract document (YAML or JSON), version `twinstate/v1`.
 *
 * Why zod: the document is validated once, on load, and every issue comes back with its field path, which
 * {@link ContractError} reports together with the file. Objects are strict, so a misspelt key
 * (`maxPerSecnd`) is an error instead of a silently ignored limit. Semantic checks that need the unit table
 * (known units, same dimension, min ≤ max, unique sensors) happen in `compileContract`.
 */

/** Readings per second per sensor (tenant/asset/sensor): a token bucket refilled by event time. */
export const rateLimitSchema = z.strictObject({
  /** Sustained readings per second. */
  perSecond: z.number().positive(),
  /** Bucket size: readings that may arrive back to back above the sustained rate. */
  burst: z.number().int().positive(),
});

/** How far event time may lie from the ingestion clock. */
export const skewSchema = z.strictObject({
  /** Milliseconds event time may be ahead of the ingestion clock. */
  futureMs: z.number().int().nonnegative(),
  /** Milliseconds event time may be behind the ingestion clock (allowed lateness). */
  pastMs: z.number().int().nonnegative(),
});

/** Duplicate detection by idempotency key over a bounded window. */
export const dedupSchema = z.strictObject({
  /** A key accepted at ingestion time t blocks the same key until t + windowMs. */
  windowMs: z.number().int().positive(),
  /** Most keys remembered per sensor type; the oldest are forgotten first. */
  maxKeys: z.number().int().positive(),
});

/** Optional reading fields a contract can make mandatory (tenant, asset, sensor, event_time, value and unit always are). */
export const OPTIONAL_READING_FIELDS = ["idempotency_key", "quality"] as const;

/** A reading field that a contract may require on top of the always-required ones. */
export type OptionalReadingField = (typeof OPTIONAL_READING_FIELDS)[number];

/** Limits and requirements that a sensor type may set or inherit from the contract's `defaults`. */
export const limitsShape = {
  rate: rateLimitSchema.optional(),
  skew: skewSchema.optional(),
  dedup: dedupSchema.optional(),
  /** Largest accepted serialized SensorReading, in bytes. */
  maxPayloadBytes: z.number().int().positive().optional(),
  /** Most entries in `attributes`. */
  maxAttributes: z.number().int().nonnegative().optional(),
  /** Optional reading fields that must be set. */
  requiredFields: z.array(z.enum(OPTIONAL_READING_FIELDS)).optional(),
  /** Attribute names that must be present in `attributes`. */
  requiredAttributes: z.array(z.string().min(1)).optional(),
};

/** Defaults applied to every sensor type of a contract unless the type overrides them. */
export const contractDefaultsSchema = z.strictObject(limitsShape);

/** One sensor type: which sensor names it covers, their unit, range, shape and limits. */
export const sensorTypeSchema = z.strictObject({
  /** Name of the sensor type (e.g. `temperature`); a label for metrics and dead letters. */
  type: z.string().min(1),
  /** Sensor names (SensorReading.sensor) of this type. */
  sensors: z.array(z.string().min(1)).min(1),
  /** Canonical unit: values are converted to it and range-checked in it. */
  unit: z.string().min(1),
  /** Units a reading may arrive in; default: every unit of the canonical unit's dimension. */
  acceptedUnits: z.array(z.string().min(1)).min(1).optional(),
  /** Physical range in the canonical unit, inclusive; either bound may be omitted. */
  range: z.strictObject({ min: z.number().optional(), max: z.number().optional() }).optional(),
  /** Number of components of a vector reading; absent means the reading is a scalar. */
  vectorLength: z.number().int().positive().max(4096).optional(),
  ...limitsShape,
});

/** A whole data contract document. */
export const contractDocumentSchema = z.strictObject({
  apiVersion: z.literal("twinstate/v1"),
  kind: z.literal("DataContract"),
  /** Stable identifier across versions, e.g. `acme/pump-sensors`. */
  id: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, "letters, digits and . _ / - only"),
  /** 1-based, increasing per id; the highest version of an id wins. */
  version: z.number().int().positive().max(0xffffffff),
  /** Tenant the contract applies to; absent or empty means every tenant. */
  tenant: z.string().optional(),
  description: z.string().optional(),
  defaults: contractDefaultsSchema.optional(),
  sensorTypes: z.array(sensorTypeSchema).min(1),
});

/** A data contract document as authored (after schema validation). */
export type ContractDocument = z.infer<typeof contractDocumentSchema>;
/** One sensor type entry of a contract document. */
export type SensorTypeDocument = z.infer<typeof sensorTypeSchema>;
/** Rate limit settings of a sensor type. */
export type RateLimitSettings = z.infer<typeof rateLimitSchema>;
/** Event-time skew settings of a sensor type. */
export type SkewSettings = z.infer<typeof skewSchema>;
/** Deduplication settings of a sensor type. */
export type DedupSettings = z.infer<typeof dedupSchema>;
