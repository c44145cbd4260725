import { context, isSpanContextValid, trace } from "@opentelemetry/api";
import { type DestinationStream, type Level, type Logger, pino } from "pino";

export type { Logger } from "pino";

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** Service name, written as the `service` field of every line. */
  readonly service: string;
  /** Minimum level; `silent` disables logging. */
  readonly level?: Level | "silent";
  /** Where lines go; defaults to stdout. Tests pass a stream to read lines back. */
  readonly destination?: DestinationStream;
}

/**
 * Creates the service's root pino logger: JSON lines with `service`, the active OpenTelemetry `trace_id` and
 * `span_id` when a span is recording, ISO timestamps and the level as a label.
 *
 * Why: one log shape across services lets a log search join on `trace_id` with traces; components take a
 * child logger (`logger.child({ component: "kafka-consumer" })`) so each line says who wrote it.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? "info",
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin() {
        const spanContext = trace.getSpanContext(context.active());
        if (spanContext === undefined || !isSpanContextValid(spanContext)) return {};
        return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
