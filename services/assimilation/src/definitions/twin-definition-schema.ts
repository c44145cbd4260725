/**
 * The schema of a twin class definition document (YAML or JSON), as data.
 *
 * Why zod: one declaration gives the TypeScript type and the validator, and its issues carry the path of
 * the offending field, which {@link parseTwinDefinition} turns into "FILE: field.path: message".
 * Cross-field rules (a sensor measuring an undeclared state, a built-in model whose state names differ from
 * the declared ones) are checked when the factory builds the filter, and reported with the same path form.
 */
import { z } from "zod";

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an identifier ([A-Za-z_][A-Za-z0-9_]*)");
const finite = z.number().refine(Number.isFinite, "must be a finite number");
const positive = finite.refine((v) => v > 0, "must be > 0");
const probability = finite.refine((v) => v > 0 && v < 1, "must be in (0, 1)");
const parameters = z.record(z.string(), finite);

/** A state variable: name, unit (UCUM code) and its default initial mean and standard deviation. */
export const stateVariableSchema = z.strictObject({
  name: identifier,
  unit: z.string().min(1),
  description: z.string().optional(),
  initial: z.strictObject({ mean: finite, std: positive }),
});

/**
 * A control input u of the model: name, unit, the value held until a reading sets it, and the sensor whose
 * readings set it (zero-order hold from the reading's event time).
 */
export const inputVariableSchema = z.strictObject({
  name: identifier,
  unit: z.string().min(1),
  default: finite.default(0),
  sensor: z.string().min(1).optional(),
});

/** Names of the built-in transition models a definition can use. */
export const builtinTransitionNames = [
  "constant_velocity",
  "constant_acceleration",
  "first_order_thermal",
  "battery_equivalent_circuit",
  "damped_pendulum",
  "damped_oscillator",
  "linear_degradation",
  "random_walk",
] as const;

const builtinModelSchema = z.strictObject({
  builtin: z.enum(builtinTransitionNames),
  /** Axes of the kinematic models (constant_velocity/constant_acceleration). */
  dimensions: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
  parameters: parameters.default({}),
});

const expressionModelSchema = z.strictObject({
  expressions: z.strictObject({
    parameters: parameters.default({}),
    /** d<state>/dt per state variable. */
    dynamics: z.record(z.string(), z.string().min(1)),
    /** Spectral density of the white noise on each state (missing = 0). */
    processNoise: z
      .record(
        z.string(),
        finite.refine((v) => v >= 0, "must be >= 0"),
      )
      .default({}),
    discretization: z
      .strictObject({ method: z.enum(["euler", "rk4"]), substeps: z.number().int().min(1).max(1000).optional() })
      .optional(),
  }),
});

/** The transition model: a built-in one by name, or expressions for dx/dt. */
export const modelSchema = z.union([builtinModelSchema, expressionModelSchema]);

/** Filter family and its parameters. */
export const filterSchema = z.strictObject({
  type: z.enum(["kf", "ekf", "ukf", "pf"]),
  /** Largest accepted gap between readings, seconds; larger steps are rejected (TIME_STEP_TOO_LARGE). */
  maxDt: positive.optional(),
  /** UKF sigma points. */
  sigmaPoints: z
    .strictObject({
      scheme: z.enum(["merwe", "julier"]).default("merwe"),
      alpha: positive.default(1e-3),
      beta: finite.default(2),
      kappa: finite.default(0),
    })
    .optional(),
  /** Particle filter settings (used when the estimation library provides the particle filter). */
  particles: z
    .strictObject({
      count: z.number().int().min(10).max(100_000),
      resampling: z.enum(["systematic", "stratified", "residual", "multinomial"]).default("systematic"),
      essThreshold: probability.default(0.5),
      roughening: finite.refine((v) => v >= 0, "must be >= 0").default(0),
      seed: z.number().int().min(0).default(1),
    })
    .optional(),
});

/**
 * A sensor's NIS gate: readings with nis > χ²⁻¹(probability; m) are gated (not assimilated). After
 * `reacquireAfter` consecutive gated readings of the twin the next gated one re-acquires the twin (its
 * covariance is inflated until that reading passes, see TwinEngine); 0 disables re-acquisition.
 */
const gateSchema = z.strictObject({ probability, reacquireAfter: z.number().int().min(0).default(10) });

const directSensorSchema = z.strictObject({
  model: z.literal("direct"),
  unit: z.string().min(1),
  measured: z.array(identifier).min(1),
  noiseStd: z.union([positive, z.array(positive).min(1)]),
  angular: z.array(identifier).optional(),
  gate: gateSchema.optional(),
});

const linearSensorSchema = z.strictObject({
  model: z.literal("linear"),
  unit: z.string().min(1),
  H: z.array(z.array(finite).min(1)).min(1),
  measurementNames: z.array(identifier).optional(),
  noiseStd: z.union([positive, z.array(positive).min(1)]),
  gate: gateSchema.optional(),
});

const rangeBearingSensorSchema = z.strictObject({
  model: z.literal("range_bearing"),
  unit: z.string().min(1),
  /** State names of the x and y position. */
  position: z.tuple([identifier, identifier]).optional(),
  rangeStd: positive,
  bearingStd: positive,
  gate: gateSchema.optional(),
});

const batteryVoltageSensorSchema = z.strictObject({
  model: z.literal("battery_terminal_voltage"),
  unit: z.string().min(1),
  /** Open-circuit voltage table: [soc, volts] points, soc increasing. */
  ocv: z.array(z.tuple([finite, finite])).min(2),
  R0: finite.refine((v) => v >= 0, "must be >= 0"),
  noiseStd: positive,
  gate: gateSchema.optional(),
});

const expressionSensorSchema = z.strictObject({
  model: z.literal("expression"),
  unit: z.string().min(1),
  parameters: parameters.default({}),
  measurements: z
    .array(
      z.strictObject({
        name: identifier,
        expr: z.string().min(1),
        noiseStd: positive,
        angular: z.boolean().optional(),
      }),
    )
    .min(1),
  gate: gateSchema.optional(),
});

/** One sensor: its measurement model (by kind), its canonical unit, noise, and optional NIS gate. */
export const sensorSchema = z.discriminatedUnion("model", [
  directSensorSchema,
  linearSensorSchema,
  rangeBearingSensorSchema,
  batteryVoltageSensorSchema,
  expressionSensorSchema,
]);

/** Forecast defaults: horizon and step in seconds, interval levels. */
export const forecastSchema = z.strictObject({
  horizon: positive.default(3600),
  step: positive.default(60),
  levels: z.array(probability).min(1).default([0.68, 0.95]),
});

/** A twin class definition: the whole document. */
export const twinDefinitionSchema = z.strictObject({
  twinClass: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must match [a-z0-9][a-z0-9-]{0,62}"),
  version: z.number().int().min(1),
  description: z.string().optional(),
  state: z.array(stateVariableSchema).min(1),
  inputs: z.array(inputVariableSchema).default([]),
  model: modelSchema,
  filter: filterSchema,
  sensors: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, "sensor names are [A-Za-z0-9_.-]+"), sensorSchema),
  /** Out-of-order tolerance: readings up to `seconds` older than the twin's time are re-filtered in order. */
  lagWindow: z
    .strictObject({
      seconds: finite.refine((v) => v >= 0, "must be >= 0"),
      maxReadings: z.number().int().min(1).default(64),
    })
    .optional(),
  forecast: forecastSchema.default({ horizon: 3600, step: 60, levels: [0.68, 0.95] }),
  /** Drift detector configuration, passed through unchanged to the drift service. */
  drift: z.record(z.string(), z.unknown()).optional(),
  /** Alert rules, passed through unchanged to the alerting service. */
  alerts: z.unknown().optional(),
});

/** A validated twin definition (defaults applied). */
export type TwinDefinitionDocument = z.infer<typeof twinDefinitionSchema>;
/** A validated sensor declaration. */
export type SensorDeclaration = z.infer<typeof sensorSchema>;

/** One asset binding: which class version models `tenant/asset`, its initial state and parameter overrides. */
export const assetBindingSchema = z.strictObject({
  /** "tenant/asset". */
  asset: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}\/[^/]+$/, "must be tenant/asset"),
  twinClass: z.string().min(1),
  /** Class version; 0 follows the latest version. */
  version: z.number().int().min(0),
  initial: z
    .strictObject({
      mean: z.record(z.string(), finite).default({}),
      std: z.record(z.string(), positive).default({}),
    })
    .default({ mean: {}, std: {} }),
  parameters: parameters.default({}),
});

/** A bindings document: a list of bindings. */
export const assetBindingsSchema = z.strictObject({ bindings: z.array(assetBindingSchema) });

/** A validated asset binding. */
export type AssetBindingDocument = z.infer<typeof assetBindingSchema>;
