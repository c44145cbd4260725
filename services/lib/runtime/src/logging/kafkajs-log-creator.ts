import type { Logger } from "pino";

/**
 * kafkajs's numeric log levels (`logLevel` in kafkajs: NOTHING 0, ERROR 1, WARN 2, INFO 4, DEBUG 5), restated
 * here so logging does not import kafkajs — the Kafka seam stays the only module that does.
 */
export const kafkajsLogLevel = { NOTHING: 0, ERROR: 1, WARN: 2, INFO: 4, DEBUG: 5 } as const;

/** One kafkajs log entry, structurally the `LogEntry` of kafkajs's types. */
export interface KafkajsLogEntry {
  readonly namespace: string;
  readonly level: number;
  readonly label: string;
  readonly log: { readonly timestamp: string; readonly message: string; readonly [key: string]: unknown };
}

/** A kafkajs `logCreator`: given kafkajs's configured level, returns the per-entry log function. */
export type KafkajsLogCreator = (level: number) => (entry: KafkajsLogEntry) => void;

/**
 * Routes kafkajs's own logs into the service's pino logger (child with `component: "kafkajs"` and the kafkajs
 * namespace), at the matching level: ERROR→error, WARN→warn, INFO→info, DEBUG→debug.
 *
 * Why: kafkajs otherwise writes its own JSON to the console, without service, trace id or our levels, and its
 * rebalance and crash messages are exactly what an operator needs to see next to ours.
 */
export function kafkajsLogCreator(logger: Logger): KafkajsLogCreator {
  const base = logger.child({ component: "kafkajs" });
  return () => (entry) => {
    const { message, timestamp: _timestamp, ...extra } = entry.log;
    const fields = { namespace: entry.namespace, ...extra };
    switch (entry.level) {
      case kafkajsLogLevel.ERROR:
        base.error(fields, message);
        break;
      case kafkajsLogLevel.WARN:
        base.warn(fields, message);
        break;
      case kafkajsLogLevel.INFO:
        base.info(fields, message);
        break;
      case kafkajsLogLevel.DEBUG:
        base.debug(fields, message);
        break;
      default:
        break;
    }
  };
}
