import type { DetectorSuiteConfig } from "@twinstate/drift-detectors";
import { z } from "zod";

const positive = z.number().positive("must be > 0");
const positiveInt = z.number().int("must be an integer").positive("must be > 0");
const probability = z.number().gt(0, "must be in (0, 1)").lt(1, "must be in (0, 1)");
const severity = z.strictObject({ warning: positive, critical: positive }).optional();

/** A section is `false` (detector off) or an object of overrides. */
function section<T extends z.ZodRawShape>(shape: T) {
  return z.union([z.literal(false), z.strictObject({ ...shape, severity })]).optional();
}

/** The detectors of one sensor: the `DetectorSuiteConfig` the drift-detectors library takes, validated. */
export const suiteConfigSchema = z.strictObject({
  cusum: section({ k: positive.optional(), h: positive.optional(), arl0: positive.optional() }),
  pageHinkley: section({
    minInstances: positiveInt.optional(),
    delta: z.number().min(0).optional(),
    threshold: positive.optional(),
    arl0: positive.optional(),
    alpha: z.number().gt(0).max(1).optional(),
    mode: z.enum(["up", "down", "both"]).optional(),
  }),
  adwin: section({
    delta: probability.optional(),
    clock: positiveInt.optional(),
    maxBuckets: positiveInt.optional(),
    minWindowLength: positiveInt.optional(),
    gracePeriod: positiveInt.optional(),
  }),
  nisWindow: section({ window: positiveInt.optional(), probability: probability.optional() }),
  coverage: section({ window: positiveInt.optional(), nominal: probability.optional(), alpha: probability.optional() }),
  stuckSensor: section({
    window: positiveInt.optional(),
    falseAlarmProbability: probability.optional(),
    fraction: positive.optional(),
    repeats: positiveInt.optional(),
  }),
  noiseLevel: section({
    upRatio: positive.optional(),
    downRatio: positive.optional(),
    sides: z.enum(["up", "both"]).optional(),
    arl0: positive.optional(),
    hUp: positive.optional(),
    hDown: positive.optional(),
  }),
});

/**
 * The `drift:` block of a twin definition: the class-wide detector configuration (the suite's sections at
 * top level) and optional per-sensor overrides, merged section by section over the class-wide ones:
 *
 * ```yaml
 * drift:
 *   cusum: { k: 0.5, arl0: 100000 }
 *   coverage: false
 *   sensors:
 *     T_outlet: { nisWindow: { window: 100 } }
 * ```
 *
 * Absent sections take `DEFAULT_SUITE_CONFIG`'s values. Objects are strict so a misspelt key is an error that
 * names it, not a silently ignored setting.
 */
export const driftBlockSchema = suiteConfigSchema.extend({
  sensors: z.record(z.string(), suiteConfigSchema).optional(),
});

/** A validated drift block. */
export type DriftBlock = z.infer<typeof driftBlockSchema>;

/** One issue of an invalid drift block: the dotted key and what is wrong with it. */
export interface DriftBlockIssue {
  readonly key: string;
  readonly message: string;
}

/** Validates a drift block; returns the block or the issues naming each wrong key (`drift.cusum.k`). */
export function parseDriftBlock(
  block: unknown,
): { ok: true; block: DriftBlock } | { ok: false; issues: DriftBlockIssue[] } {
  const result = driftBlockSchema.safeParse(block ?? {});
  if (result.success) return { ok: true, block: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((i) => ({ key: ["drift", ...i.path.map(String)].join("."), message: i.message })),
  };
}

/** The suite configuration of one sensor: the class-wide sections, overridden by the sensor's own. */
export function suiteConfigFor(block: DriftBlock, sensor: string): DetectorSuiteConfig {
  const { sensors, ...classWide } = block;
  const own = sensors?.[sensor] ?? {};
  const merged: Record<string, unknown> = {};
  for (const key of Object.keys(suiteConfigSchema.shape) as (keyof DetectorSuiteConfig)[]) {
    const base = classWide[key];
    const over = own[key];
    const value =
      over === false
        ? false
        : over === undefined
          ? base
          : base === false || base === undefined
            ? over
            : { ...base, ...over };
    if (value !== undefined) merged[key] = value;
  }
  return merged as DetectorSuiteConfig;
}
