import { type Context, context } from "@opentelemetry/api";
import type { TopicMessages } from "kafkajs";
import { injectTraceHeaders, type MessageHeaders } from "../tracing/kafka-trace-headers.ts";
import type { OutputRecord } from "./output-record.ts";

/**
 * Groups output records by topic (keeping their order within a topic) into kafkajs `TopicMessages`, adding the
 * trace context of `ctx` to each record's headers unless it already carries a `traceparent`.
 */
export function toTopicMessages(
  records: readonly OutputRecord[],
  ctx: (record: OutputRecord, index: number) => Context = () => context.active(),
): TopicMessages[] {
  const byTopic = new Map<string, TopicMessages["messages"]>();
  records.forEach((record, index) => {
    const headers: MessageHeaders = { ...record.headers };
    if (headers.traceparent === undefined) injectTraceHeaders(headers, ctx(record, index));
    let messages = byTopic.get(record.topic);
    if (messages === undefined) {
      messages = [];
      byTopic.set(record.topic, messages);
    }
    messages.push({
      key: record.key,
      value: record.value,
      headers,
      ...(record.partition === undefined ? {} : { partition: record.partition }),
    });
  });
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
