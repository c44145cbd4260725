import { type Tracer, trace } from "@opentelemetry/api";

/** Instrumentation scope name of the Kafka seam's spans. */
export const kafkaTracerName = "@twinstate/runtime/kafka";

/** The tracer the Kafka seam creates its producer and consumer spans with (resolved lazily, so tracing may be set up later). */
export function kafkaTracer(): Tracer {
  return trace.getTracer(kafkaTracerName);
}
