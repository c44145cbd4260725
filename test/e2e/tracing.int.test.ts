import { randomBytes } from "node:crypto";
import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { AssetBindingSchema } from "@twinstate/proto";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { encodeReading } from "../../services/demo/src/publish/encode-reading.ts";
import { integrationBrokers } from "../broker.ts";
import { E2eCluster } from "./e2e-cluster.ts";
import { OtlpReceiver, type ReceivedSpan } from "./otlp-receiver.ts";

// One reading is one trace: the four real services (separate processes, OTLP export configured by
// OTEL_EXPORTER_OTLP_ENDPOINT as in a deployment) on their own topics; the test publishes one reading whose
// Kafka headers carry the producer's traceparent and reads the spans back from an OTLP/HTTP receiver.

const brokers = integrationBrokers();
const receiver = new OtlpReceiver();
let cluster: E2eCluster;
let kafka: Kafka;

beforeAll(async () => {
  const endpoint = await receiver.start();
  kafka = new Kafka({ clientId: "twinstate-e2e-tracing", brokers, logLevel: logLevel.NOTHING });
  cluster = await E2eCluster.start({
    brokers,
    name: "trace",
    otlpEndpoint: endpoint,
    // the asset's binding is on the definitions topic before the services load it; a small initial σ makes
    // the first reading a gross outlier, so drift detects it at once and alerting raises an alert from it
    prepare: async (topics) => {
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      const binding = create(AssetBindingSchema, {
        tenant: "acme",
        asset: "trace-oven",
        twinClassId: "demo-oven-thermal",
        twinClassVersion: 1,
        initialMean: { T: 300 },
        initialStdDev: { T: 0.5 },
        boundAt: timestampFromMs(Date.now()),
      });
      await producer.send({
        topic: topics.definitions,
        messages: [{ key: "binding/acme/trace-oven", value: Buffer.from(toBinary(AssetBindingSchema, binding)) }],
      });
      await producer.disconnect();
    },
  });
});

afterAll(async () => {
  await cluster?.stop();
  await receiver.stop();
});

async function waitFor<T>(
  what: string,
  find: () => T | undefined,
  timeoutMs: number,
  explain: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${explain()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function describeTrace(spans: readonly ReceivedSpan[]): string {
  return spans
    .map((s) => `  ${s.service} "${s.name}" span ${s.spanId} parent ${s.parentSpanId || "(root)"}`)
    .join("\n");
}

describe("tracing across services", () => {
  test("one reading is one trace: ingest → assimilation → drift → alerting, each span the child of the previous hop's", async () => {
    const traceId = randomBytes(16).toString("hex");
    const producerSpanId = randomBytes(8).toString("hex");
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({
      topic: cluster.topics.raw,
      messages: [
        {
          key: "acme/trace-oven",
          value: Buffer.from(
            encodeReading({
              tenant: "acme",
              asset: "trace-oven",
              sensor: "outlet_temp",
              value: 360,
              unit: "K",
              eventTimeMs: Date.now(),
            }),
          ),
          headers: { traceparent: `00-${traceId}-${producerSpanId}-01` },
        },
      ],
    });
    await producer.disconnect();

    const t = cluster.topics;
    const trace = () => receiver.trace(traceId);
    const span = (service: string, topic: string) =>
      trace().find((s) => s.service === service && s.name === `process ${topic}`);
    const explain = () =>
      `spans of trace ${traceId} so far:\n${describeTrace(trace())}\nrejected exports: ${receiver.rejected.join("; ") || "none"}\n` +
      `alerting log:\n${cluster.logTail("alerting", 10)}`;

    // the last hop: alerting processing the drift event the reading caused
    await waitFor("alerting's span for the drift event", () => span("alerting", t.drift), 90_000, explain);
    const ingest = span("ingest", t.raw);
    const assimilation = span("assimilation", t.valid);
    const drift = span("drift", t.estimates);
    const alertingEstimate = span("alerting", t.estimates);
    const alertingDrift = span("alerting", t.drift)!;
    const hops: Array<[string, ReceivedSpan | undefined, string | undefined]> = [
      ["ingest consumes the raw reading (child of the producer's span)", ingest, producerSpanId],
      ["assimilation consumes ingest's valid reading", assimilation, ingest?.spanId],
      ["drift consumes assimilation's estimate", drift, assimilation?.spanId],
      ["alerting consumes assimilation's estimate", alertingEstimate, assimilation?.spanId],
      ["alerting consumes drift's event", alertingDrift, drift?.spanId],
    ];
    const broken = hops
      .filter(([, s, parent]) => s === undefined || parent === undefined || s.parentSpanId !== parent)
      .map(
        ([what, s, parent]) =>
          `${what}: ${s === undefined ? "no span" : `parent ${s.parentSpanId}, expected ${parent}`}`,
      );
    expect({ broken, trace: describeTrace(trace()) }).toEqual({ broken: [], trace: describeTrace(trace()) });
    // every span of the pipeline is a CONSUMER span of the runtime's Kafka seam, and all share the one trace
    for (const s of [ingest!, assimilation!, drift!, alertingEstimate!, alertingDrift]) {
      expect(s.kind).toBe(5);
      expect(s.traceId).toBe(traceId);
      expect(s.attributes["messaging.system"]).toBe("kafka");
    }
    expect(new Set(trace().map((s) => s.service))).toEqual(new Set(["ingest", "assimilation", "drift", "alerting"]));
  });
});
