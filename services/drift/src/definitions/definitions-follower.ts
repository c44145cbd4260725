import { fromBinary } from "@bufbuild/protobuf";
import { TwinDefinitionSchema } from "@twinstate/proto";
import { type ConsumedMessage, type Kafka, KafkaConsumer, type Logger, readTopicToEnd } from "@twinstate/runtime";
import type { DriftDefinitionOutcome, DriftDefinitions } from "./drift-definitions.ts";

/** Options of {@link DefinitionsFollower}. */
export interface DefinitionsFollowerOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly topic: string;
  readonly definitions: DriftDefinitions;
  /**
   * Consumer group for tailing, unique per worker (every worker reads the whole topic). Its committed offsets only
   * decide where the tail resumes after a restart: the start-up read covers the whole topic anyway, and
   * re-applying a record is harmless (a class version already held is replaced by itself).
   */
  readonly groupId: string;
  /** Called when the tailing consumer crashes for good (the service should exit). */
  readonly onFatal?: (error: Error) => void;
}

/**
 * Follows the compacted twin.definitions.v1 topic for the drift blocks of twin class versions: reads it to
 * its end at start (before any estimate is processed, so suites are built with their class's configuration),
 * then tails it (the runtime's {@link KafkaConsumer}) so new class versions apply without restart. Binding records are the assimilation service's
 * and are ignored here; a record that does not parse is logged with its key and skipped.
 */
export class DefinitionsFollower {
  readonly #o: DefinitionsFollowerOptions;
  #consumer: KafkaConsumer | undefined;
  #loaded = false;

  constructor(options: DefinitionsFollowerOptions) {
    this.#o = options;
  }

  /** Reads the topic to its end, then starts tailing it. */
  async start(): Promise<void> {
    const { messages } = await readTopicToEnd(this.#o.kafka, this.#o.topic, [0], (m) => this.#apply(m));
    this.#o.logger.info({ topic: this.#o.topic, records: messages }, "drift definitions loaded from topic");
    this.#loaded = true;
    this.#consumer = KafkaConsumer.fromConfig({
      kafka: this.#o.kafka,
      logger: this.#o.logger,
      groupId: this.#o.groupId,
      topics: [this.#o.topic],
      fromBeginning: true,
      handler: (m) => this.#apply(m),
      ...(this.#o.onFatal === undefined ? {} : { onFatal: this.#o.onFatal }),
    });
    await this.#consumer.start();
  }

  isReady(): { ok: boolean; reason?: string } {
    return this.#loaded ? { ok: true } : { ok: false, reason: "definitions topic not loaded yet" };
  }

  async shutdown(): Promise<void> {
    await this.#consumer?.shutdown();
  }

  /** Applies one record (never throws: a bad record is logged and skipped). */
  #apply(message: ConsumedMessage): void {
    const key = message.key?.toString() ?? "";
    const value = message.value;
    if (value === null || !key.startsWith("class/")) return;
    try {
      logOutcome(
        this.#o.logger,
        key,
        this.#o.definitions.putDocument(fromBinary(TwinDefinitionSchema, value).document),
      );
    } catch (error) {
      this.#o.logger.error({ err: error, key }, "undecodable definitions record skipped");
    }
  }
}

/** Logs what became of a drift block (invalid ones name each wrong key). */
export function logOutcome(logger: Logger, source: string, outcome: DriftDefinitionOutcome): void {
  if (outcome.kind === "accepted") logger.debug({ source, twinClass: outcome.classKey }, "drift configuration loaded");
  else if (outcome.kind === "invalid") {
    logger.error(
      { source, twinClass: outcome.classKey, issues: outcome.issues },
      `invalid drift block (${outcome.issues.map((i) => `${i.key}: ${i.message}`).join("; ")}); the class runs the default detectors`,
    );
  } else logger.error({ source, reason: outcome.message }, "unreadable twin definition skipped");
}
