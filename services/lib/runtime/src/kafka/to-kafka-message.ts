import type { Context } from "@opentelemetry/api";
import type { Message } from "kafkajs";
import { injectTraceHeaders, type MessageHeaders } from "../tracing/kafka-trace-headers.ts";
import type { OutputRecord } from "./output-record.ts";

/**
 * Converts one output record into a kafkajs message, adding the trace context of `ctx` to a copy of its headers
 * unless the record already carries a `traceparent`.
 */
export function toKafkaMessage(record: OutputRecord, ctx: Context): Message {
  const headers: MessageHeaders = { ...record.headers };
  if (headers.traceparent === undefined) injectTraceHeaders(headers, ctx);
  return record.partition === undefined
    ? { key: record.key, value: record.value, headers }
    : { key: record.key, value: record.value, headers, partition: record.partition };
}
