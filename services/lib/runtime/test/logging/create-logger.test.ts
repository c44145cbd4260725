import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { context, trace } from "@opentelemetry/api";
import { kafkajsLogCreator, kafkajsLogLevel } from "../../src/logging/kafkajs-log-creator.ts";
import { setupTracing, type Tracing } from "../../src/tracing/setup-tracing.ts";
import { captureLogger } from "../support/capture-logger.ts";

let tracing: Tracing;
beforeAll(() => {
  tracing = setupTracing({ service: "test" });
});
afterAll(async () => {
  await tracing.shutdown();
});

describe("createLogger", () => {
  test("writes JSON lines with the service, a level label, and the component of child loggers", () => {
    const { logger, lines } = captureLogger("drift");
    logger.child({ component: "detector" }).warn({ asset: "acme/pump-1" }, "drift suspected");
    const [line] = lines();
    expect(line).toMatchObject({
      service: "drift",
      component: "detector",
      level: "warn",
      asset: "acme/pump-1",
      msg: "drift suspected",
    });
    expect(typeof line!.time).toBe("string");
    expect(line!.trace_id).toBeUndefined();
  });

  test("injects the active trace and span ids", () => {
    const { logger, lines } = captureLogger();
    const span = tracing.tracer("test").startSpan("work");
    context.with(trace.setSpan(context.active(), span), () => logger.info("inside"));
    span.end();
    expect(lines()[0]).toMatchObject({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
  });
});

describe("kafkajsLogCreator", () => {
  test("routes kafkajs entries into pino at matching levels with the namespace", () => {
    const { logger, lines } = captureLogger();
    const log = kafkajsLogCreator(logger)(kafkajsLogLevel.DEBUG);
    const entry = (level: number, message: string) => ({
      namespace: "Consumer",
      level,
      label: "x",
      log: { timestamp: "2026-11-27T00:00:00.000Z", message, groupId: "g" },
    });
    log(entry(kafkajsLogLevel.ERROR, "crash"));
    log(entry(kafkajsLogLevel.WARN, "rebalancing"));
    log(entry(kafkajsLogLevel.INFO, "joined"));
    log(entry(kafkajsLogLevel.DEBUG, "fetch"));
    log(entry(kafkajsLogLevel.NOTHING, "never"));
    expect(lines().map((line) => [line.level, line.msg, line.component, line.namespace, line.groupId])).toEqual([
      ["error", "crash", "kafkajs", "Consumer", "g"],
      ["warn", "rebalancing", "kafkajs", "Consumer", "g"],
      ["info", "joined", "kafkajs", "Consumer", "g"],
      ["debug", "fetch", "kafkajs", "Consumer", "g"],
    ]);
    expect(lines()[0]!.timestamp).toBeUndefined();
  });
});
