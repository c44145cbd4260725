import { describe, expect, test } from "@jest/globals";
import {
  DEFAULT_KEYED_PARTITIONS,
  InvalidTopicLayoutError,
  type TopicSpec,
  Topics,
  topicSpecs,
} from "../src/kafka/topics.ts";

const byName = (specs: readonly TopicSpec[]) => new Map(specs.map((s) => [s.name, s]));

describe("topic layout", () => {
  test("declares every topic in Topics exactly once", () => {
    const names = topicSpecs().map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(Object.values(Topics).sort());
  });

  test("the keyed topics a worker joins share one partition count (default and overridden)", () => {
    for (const keyedPartitions of [undefined, 1, 12]) {
      const specs = byName(topicSpecs(keyedPartitions === undefined ? {} : { keyedPartitions }));
      const expected = keyedPartitions ?? DEFAULT_KEYED_PARTITIONS;
      for (const name of [Topics.telemetryRaw, Topics.telemetryValid, Topics.twinEstimates, Topics.twinState]) {
        expect(specs.get(name)?.partitions).toBe(expected);
      }
      const keyed = [...specs.values()].filter((s) => s.keyed);
      expect(new Set(keyed.map((s) => s.partitions))).toEqual(new Set([expected]));
    }
  });

  test("changelogs and registries are compacted, event streams are not", () => {
    const specs = byName(topicSpecs());
    const compacted: readonly string[] = [
      Topics.twinState,
      Topics.twinDefinitions,
      Topics.driftState,
      Topics.alertingState,
      Topics.ingestContracts,
      Topics.seamProgress,
    ];
    for (const spec of specs.values()) {
      const expected = compacted.includes(spec.name) ? "compact" : "delete";
      expect([spec.name, spec.cleanupPolicy]).toEqual([spec.name, expected]);
      expect([spec.name, spec.configs["cleanup.policy"]]).toEqual([spec.name, expected]);
      if (expected === "compact") expect(spec.configs["retention.ms"]).toBeUndefined();
    }
  });

  test("definitions and contracts are single-partition registries, not keyed", () => {
    const specs = byName(topicSpecs({ keyedPartitions: 9 }));
    for (const name of [Topics.twinDefinitions, Topics.ingestContracts]) {
      expect(specs.get(name)).toMatchObject({ keyed: false, partitions: 1 });
    }
  });

  test("rejects partition counts that are not positive integers", () => {
    for (const keyedPartitions of [0, -3, 2.5, Number.NaN]) {
      expect(() => topicSpecs({ keyedPartitions })).toThrow(InvalidTopicLayoutError);
    }
    const thrown = (() => {
      try {
        topicSpecs({ keyedPartitions: 0 });
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toMatchObject({ code: "INVALID_CONFIG", retriable: false });
  });
});
