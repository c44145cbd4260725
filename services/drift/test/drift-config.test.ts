import { describe, expect, test } from "@jest/globals";
import { ConfigError } from "@twinstate/runtime";
import { loadDriftConfig } from "../src/config/drift-config.ts";
import { parseDriftBlock, suiteConfigFor } from "../src/definitions/drift-config-schema.ts";

describe("drift service configuration", () => {
  test("defaults are the design's topic names; env vars override them", () => {
    const c = loadDriftConfig({ KAFKA_BROKERS: "127.0.0.1:9092" });
    expect(c.service).toBe("drift");
    expect(c.drift.topics).toEqual({
      estimates: "twin.estimates.v1",
      drift: "twin.drift.v1",
      state: "drift.state.v1",
      definitions: "twin.definitions.v1",
      progress: "twinstate.progress.v1",
    });
    const o = loadDriftConfig({
      KAFKA_BROKERS: "127.0.0.1:9092",
      DRIFT_EVENTS_TOPIC: "t.drift",
      DRIFT_INDEX_CAPACITY: "10",
    });
    expect(o.drift.topics.drift).toBe("t.drift");
    expect(o.drift.indexCapacity).toBe(10);
  });

  test("a wrong value fails naming its key", () => {
    let error: unknown;
    try {
      loadDriftConfig({ KAFKA_BROKERS: "127.0.0.1:9092", DRIFT_MAX_MESSAGES_PER_TRANSACTION: "-3" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(
      /drift\.maxMessagesPerTransaction|DRIFT_MAX_MESSAGES_PER_TRANSACTION/,
    );
  });
});

describe("drift block of a twin definition", () => {
  test("per-sensor sections merge over the class-wide ones; false turns a detector off", () => {
    const parsed = parseDriftBlock({
      cusum: { k: 0.75, arl0: 50_000 },
      adwin: false,
      sensors: { gps: { cusum: { arl0: 20_000 }, adwin: { delta: 0.001 }, coverage: false } },
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(suiteConfigFor(parsed.block, "gps")).toEqual({
      cusum: { k: 0.75, arl0: 20_000 },
      adwin: { delta: 0.001 },
      coverage: false,
    });
    expect(suiteConfigFor(parsed.block, "other")).toEqual({ cusum: { k: 0.75, arl0: 50_000 }, adwin: false });
  });

  test("misspelt keys and out-of-range values are reported by their dotted key", () => {
    const parsed = parseDriftBlock({
      nisWindow: { probabilty: 0.99 },
      coverage: { alpha: 2 },
      sensors: { T: { cusum: { k: -1 } } },
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const keys = parsed.issues.map((i) => i.key);
    expect(keys).toEqual(
      expect.arrayContaining(["drift.nisWindow", "drift.coverage.alpha", "drift.sensors.T.cusum.k"]),
    );
  });
});
