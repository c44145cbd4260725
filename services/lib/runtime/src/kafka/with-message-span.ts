import { context, type Span } from "@opentelemetry/api";
import type { ConsumedMessage } from "./consumed-message.ts";
import { endMessageSpan, startMessageSpan } from "./start-message-span.ts";

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
  const started = startMessageSpan(message, consumerGroup);
  try {
    const result = await context.with(started.context, () => fn(started.span));
    endMessageSpan(started.span);
    return result;
  } catch (error) {
    endMessageSpan(started.span, error ?? new Error("undefined thrown"));
    throw error;
  }
}
