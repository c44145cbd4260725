import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type TextMapGetter,
  type TextMapSetter,
} from "@opentelemetry/api";

/** Kafka message headers as the Kafka seam carries them (structurally kafkajs's `IHeaders`). */
export type MessageHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

const setter: TextMapSetter<MessageHeaders> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

const getter: TextMapGetter<MessageHeaders> = {
  keys(carrier) {
    return Object.keys(carrier);
  },
  get(carrier, key) {
    const value = carrier[key];
    if (value === undefined) return undefined;
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  },
};

/**
 * Writes the trace context of `ctx` (default: the active context) into Kafka message headers as W3C
 * `traceparent` / `tracestate`, using the globally installed propagator; returns the same headers object.
 *
 * Why: one reading is one trace across services; Kafka carries the context in headers, not in the payload.
 */
export function injectTraceHeaders(headers: MessageHeaders, ctx: Context = context.active()): MessageHeaders {
  propagation.inject(ctx, headers, setter);
  return headers;
}

/**
 * Reads `traceparent` / `tracestate` from one message's headers into a context derived from `base` (default
 * ROOT_CONTEXT, so a consumer's ambient context never leaks into a message's trace).
 *
 * Why per message: a batch holds readings from many traces; OpenTelemetry's kafkajs instrumentation only links
 * them in `eachBatch`, so the seam extracts each message's parent itself.
 */
export function extractTraceContext(headers: MessageHeaders | undefined, base: Context = ROOT_CONTEXT): Context {
  if (headers === undefined) return base;
  return propagation.extract(base, headers, getter);
}
