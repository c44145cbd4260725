import { baseConfigSchema, type EnvBinding, loadConfig } from "@twinstate/runtime";
import { z } from "zod";

const ratio = z.number().min(0, "must be in [0, 1]").max(1, "must be in [0, 1]");
const positive = z.number().positive("must be > 0");

/**
 * The demo generator's own configuration section (`demo:` in the config file, or the env vars in
 * {@link demoEnvBindings}).
 *
 * Why every nuisance has a ratio: `make up` wants a lively fleet (faults every couple of minutes), the live
 * dashboard test wants every panel to have data within a minute (faults early and often), and a quiet run
 * can switch each nuisance off with 0.
 */
export const demoSectionSchema = z
  .strictObject({
    topics: z
      .strictObject({
        raw: z.string().min(1).default("telemetry.raw.v1"),
        definitions: z.string().min(1).default("twin.definitions.v1"),
      })
      .prefault({}),
    /** Assets simulated per twin class (thermal, battery, vehicle, pendulum). */
    assetsPerClass: z.number().int().min(1).max(1000).default(3),
    /** Simulation tick: every asset's primary sensor is read once per tick (event time = wall clock). */
    tickMs: z.number().int().min(10).default(500),
    /** Seed of every random choice: the same seed gives the same fleet and the same bindings. */
    seed: z.number().int().default(1),
    /** Share of readings replaced by bad input (wrong or unknown unit, NaN, out of range, duplicate, garbage). */
    badInputRatio: ratio.default(0.02),
    /** Share of readings held back and published 1–3 ticks late (inside the twins' 10 s lag window). */
    lateRatio: ratio.default(0.05),
    /** Chance per asset and tick that the asset falls silent for 5–15 s (a gap). */
    gapRatio: ratio.default(0.002),
    /** Mean seconds between injected faults of one asset (exponential), after the first one. */
    faultIntervalS: positive.default(120),
    /** The first fault of each asset starts uniformly within this many seconds of start (0: no early fault). */
    firstFaultWithinS: z.number().min(0).default(40),
    /** Publish the fleet's asset bindings to the definitions topic at start. */
    publishBindings: z.boolean().default(true),
    /** File the simulated truth is saved to on stop and resumed from on start (unset: start fresh). */
    stateFile: z.string().min(1).optional(),
    /** Stop after this many seconds (0: run until SIGTERM). */
    durationS: z.number().min(0).default(0),
  })
  .prefault({});

/** The whole demo configuration: the shared base plus the `demo` section. */
export const demoConfigSchema = baseConfigSchema.extend({ demo: demoSectionSchema });

/** Validated demo configuration. */
export type DemoConfig = z.infer<typeof demoConfigSchema>;

/** Environment variables of the demo section (besides the base ones such as `KAFKA_BROKERS`). */
export const demoEnvBindings: Readonly<Record<string, EnvBinding>> = {
  DEMO_RAW_TOPIC: { path: "demo.topics.raw" },
  DEMO_DEFINITIONS_TOPIC: { path: "demo.topics.definitions" },
  DEMO_ASSETS_PER_CLASS: { path: "demo.assetsPerClass", type: "number" },
  DEMO_TICK_MS: { path: "demo.tickMs", type: "number" },
  DEMO_SEED: { path: "demo.seed", type: "number" },
  DEMO_BAD_INPUT_RATIO: { path: "demo.badInputRatio", type: "number" },
  DEMO_LATE_RATIO: { path: "demo.lateRatio", type: "number" },
  DEMO_GAP_RATIO: { path: "demo.gapRatio", type: "number" },
  DEMO_FAULT_INTERVAL_S: { path: "demo.faultIntervalS", type: "number" },
  DEMO_FIRST_FAULT_WITHIN_S: { path: "demo.firstFaultWithinS", type: "number" },
  DEMO_PUBLISH_BINDINGS: { path: "demo.publishBindings", type: "boolean" },
  DEMO_STATE_FILE: { path: "demo.stateFile" },
  DEMO_DURATION_S: { path: "demo.durationS", type: "number" },
};

/** Reads the demo configuration from `TWINSTATE_CONFIG` (file) and the environment; throws ConfigError. */
export function loadDemoConfig(environment: Readonly<Record<string, string | undefined>> = process.env): DemoConfig {
  return loadConfig({
    schema: demoConfigSchema,
    env: demoEnvBindings,
    defaults: { service: "demo", http: { port: 9468 }, grpc: { port: 0 } },
    environment,
  });
}
