import { context, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { extractTraceContext } from "../tracing/kafka-trace-headers.ts";
import type { ConsumedMessage } from "./consumed-message.ts";
import { kafkaTracer } from "./kafka-tracer.ts";

/**
 * Runs `fn` for one consumed message inside a CONSUMER span `process <topic>` whose parent is the trace context
 * extracted from the message's headers; the span records the error and is ended whatever happens.
 *
 * Why per message: a batch mixes readings from many traces, and each reading must stay one trace end to end;
 * work done (and records produced) inside `fn` join that trace.
 */
export async function withMessageSpan<T>(
  message: ConsumedMessage,
  consumerGroup: string,
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  const parent = extractTraceContext(message.headers);
  const span = kafkaTracer().startSpan(
    `process ${message.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.destination.name": message.topic,
        "messaging.destination.partition.id": String(message.partition),
        "messaging.kafka.offset": Number(message.offset),
        "messaging.consumer.group.name": consumerGroup,
      },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}
