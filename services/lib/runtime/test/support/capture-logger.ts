import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/logging/create-logger.ts";

/** A real pino logger writing JSON lines into memory, so tests can read what was logged. */
export interface CapturedLogger {
  readonly logger: Logger;
  /** Every line written so far, parsed. */
  lines(): Record<string, unknown>[];
}

/** Creates a {@link CapturedLogger} at `level` (default debug). */
export function captureLogger(service = "test", level: "debug" | "info" | "trace" = "debug"): CapturedLogger {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString("utf8"));
      callback();
    },
  });
  const logger = createLogger({ service, level, destination });
  return {
    logger,
    lines: () =>
      chunks
        .join("")
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
