import { randomUUID } from "node:crypto";
import { describe, expect, test } from "@jest/globals";
import { createLogger, KafkaProducer } from "@twinstate/runtime";
import { Kafka, logLevel } from "kafkajs";
import { AlertEngine } from "../src/engine/alert-engine.ts";
import { parseAlertRules } from "../src/rules/load-alert-rules.ts";
import { ControlRecordsFollower } from "../src/service/control-records-follower.ts";
import { StateTopicWriter } from "../src/service/state-topic-writer.ts";
import { driftEvent } from "./alert-fixtures.ts";
import { eventually } from "./alertmanager-fixture.ts";

const brokers = (process.env.KAFKA_BROKERS ?? "").split(",").filter((b) => b !== "");
const logger = createLogger({ service: "alerting-test", level: "silent" });
const rules = parseAlertRules("rules:\n  - { id: d, kind: drift, severity: critical }\n", "test");

describe("ControlRecordsFollower on the real broker", () => {
  test("silences, their tombstones and acknowledgements written by one worker reach another worker's engine", async () => {
    const id = `alerting-control-${randomUUID().slice(0, 8)}`;
    const topic = `${id}.state`;
    const kafka = new Kafka({ clientId: id, brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 3, configEntries: [{ name: "cleanup.policy", value: "compact" }] }],
    });
    await admin.disconnect();

    // Worker A answers the gRPC calls; worker B owns the alert.
    const engineA = new AlertEngine({ rules });
    const engineB = new AlertEngine({ rules });
    const t0 = Date.now();
    const alert = engineA.onDriftEvent("drift:1", driftEvent(t0))[0]!.alert;
    engineB.onDriftEvent("drift:1", driftEvent(t0));
    const producer = KafkaProducer.fromConfig({ kafka, logger });
    await producer.start();
    const writer = new StateTopicWriter(producer, topic);
    const follower = new ControlRecordsFollower({ kafka, logger, topic, groupId: `${id}-b`, engine: engineB });
    await follower.start();
    try {
      const silence = {
        id: "s-1",
        tenant: "acme",
        matchers: [{ name: "asset", value: "pump-1", operator: "=" as const }],
        startsAtMs: t0,
        endsAtMs: t0 + 60_000,
        createdBy: "ops",
        comment: "",
      };
      await writer.saveSilence(silence);
      await writer.saveAcknowledgement(engineA.acknowledge("acme", alert.fingerprint, "alice", t0 + 1, "mine"));
      await eventually(
        async () => (engineB.get(alert.fingerprint)?.acknowledgement?.by === "alice" ? true : undefined),
        30_000,
        "the acknowledgement at worker B",
      );
      expect(engineB.silences()).toEqual([silence]);
      expect(engineB.silencedBy(alert, t0 + 10)).toEqual(["s-1"]);
      await writer.deleteSilences(["s-1"]);
      await eventually(async () => (engineB.silences().length === 0 ? true : undefined), 30_000, "the tombstone");
      expect(follower.isReady().ok).toBe(true);
    } finally {
      await follower.shutdown();
      await producer.shutdown();
    }
  });
});
