import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { context, isSpanContextValid, ROOT_CONTEXT, SpanKind, trace } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { ConsumedMessage } from "../../src/kafka/consumed-message.ts";
import { withMessageSpan } from "../../src/kafka/with-message-span.ts";
import { extractTraceContext, injectTraceHeaders, type MessageHeaders } from "../../src/tracing/kafka-trace-headers.ts";
import { setupTracing, type Tracing } from "../../src/tracing/setup-tracing.ts";

const exporter = new InMemorySpanExporter();
let tracing: Tracing;

beforeAll(() => {
  tracing = setupTracing({ service: "test", spanProcessors: [new SimpleSpanProcessor(exporter)] });
});
afterAll(async () => {
  await tracing.shutdown();
});

describe("Kafka trace headers", () => {
  test("inject then extract round-trips the active span's context", () => {
    const span = tracing.tracer("test").startSpan("produce");
    const headers: MessageHeaders = { "content-type": "application/protobuf" };
    context.with(trace.setSpan(context.active(), span), () => injectTraceHeaders(headers));
    span.end();
    const sent = span.spanContext();
    expect(headers.traceparent).toBe(`00-${sent.traceId}-${sent.spanId}-01`);
    expect(headers["content-type"]).toBe("application/protobuf");

    // Kafka hands headers back as Buffers.
    const received: MessageHeaders = Object.fromEntries(
      Object.entries(headers).map(([key, value]) => [key, Buffer.from(String(value))]),
    );
    const extracted = trace.getSpanContext(extractTraceContext(received));
    expect(extracted).toEqual({ traceId: sent.traceId, spanId: sent.spanId, traceFlags: 1, isRemote: true });
  });

  test("tracestate travels too, and array-valued headers use their first value", () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const spanId = "00f067aa0ba902b7";
    const headers: MessageHeaders = {
      traceparent: [Buffer.from(`00-${traceId}-${spanId}-01`), "ignored"],
      tracestate: Buffer.from("vendor=abc"),
    };
    const extracted = trace.getSpanContext(extractTraceContext(headers))!;
    expect(extracted.traceId).toBe(traceId);
    expect(extracted.traceState?.get("vendor")).toBe("abc");
    const reinjected = injectTraceHeaders({}, extractTraceContext(headers));
    expect(reinjected).toEqual({ traceparent: `00-${traceId}-${spanId}-01`, tracestate: "vendor=abc" });
  });

  test("no trace headers, or a malformed traceparent, yields the root context", () => {
    expect(extractTraceContext(undefined)).toBe(ROOT_CONTEXT);
    expect(trace.getSpanContext(extractTraceContext({}))).toBeUndefined();
    expect(trace.getSpanContext(extractTraceContext({ traceparent: "garbage" }))).toBeUndefined();
  });

  test("nothing is injected outside a span", () => {
    expect(injectTraceHeaders({}, ROOT_CONTEXT)).toEqual({});
  });

  test("withMessageSpan makes a CONSUMER span that is the child of the message's context", async () => {
    exporter.reset();
    const producer = tracing.tracer("test").startSpan("send readings", { kind: SpanKind.PRODUCER });
    const headers = injectTraceHeaders({}, trace.setSpan(ROOT_CONTEXT, producer));
    producer.end();
    const message: ConsumedMessage = {
      topic: "telemetry.valid.v1",
      partition: 2,
      offset: "41",
      key: Buffer.from("acme/pump-1"),
      value: Buffer.from([1, 2]),
      headers,
      timestamp: "0",
    };
    // An unrelated ambient span must not become the parent.
    const ambient = tracing.tracer("test").startSpan("poll loop");
    const seen = await context.with(trace.setSpan(context.active(), ambient), () =>
      withMessageSpan(message, "assimilation", () => trace.getSpanContext(context.active())),
    );
    ambient.end();
    expect(seen !== undefined && isSpanContextValid(seen)).toBe(true);
    const consumer = exporter.getFinishedSpans().find((span) => span.name === "process telemetry.valid.v1")!;
    expect(consumer.kind).toBe(SpanKind.CONSUMER);
    expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(seen!.spanId).toBe(consumer.spanContext().spanId);
    expect(consumer.attributes["messaging.kafka.offset"]).toBe(41);
    expect(consumer.attributes["messaging.consumer.group.name"]).toBe("assimilation");
  });

  test("withMessageSpan records a failure on the span and rethrows", async () => {
    exporter.reset();
    const message: ConsumedMessage = {
      topic: "t",
      partition: 0,
      offset: "0",
      key: null,
      value: null,
      headers: {},
      timestamp: "0",
    };
    await expect(
      withMessageSpan(message, "g", () => {
        throw new Error("decode failed");
      }),
    ).rejects.toThrow("decode failed");
    const [span] = exporter.getFinishedSpans();
    expect(span!.status).toEqual({ code: 2, message: "decode failed" });
    expect(span!.events.map((event) => event.name)).toEqual(["exception"]);
  });
});
