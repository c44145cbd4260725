import { fromBinary } from "@bufbuild/protobuf";
import { TwinDefinitionSchema } from "@twinstate/proto";
import { type Logger, readTopicToEnd } from "@twinstate/runtime";
import type { Consumer, Kafka } from "kafkajs";
import type { DriftDefinitionOutcome, DriftDefinitions } from "./drift-definitions.ts";

/** Options of {@link DefinitionsFollower}. */
export interface DefinitionsFollowerOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly topic: string;
  readonly definitions: DriftDefinitions;
  /** Consumer group for tailing (unique per worker: every worker reads the whole topic). */
  readonly groupId: string;
}

/**
 * Follows the compacted twin.definitions.v1 topic for the drift blocks of twin class versions: reads it to
 * its end at start (before any estimate is processed, so suites are built with their class's configuration),
 * then tails it so new class versions apply without restart. Binding records are the assimilation service's
 * and are ignored here; a record that does not parse is logged with its key and skipped.
 */
export class DefinitionsFollower {
  readonly #o: DefinitionsFollowerOptions;
  #consumer: Consumer | undefined;
  #loaded = false;

  constructor(options: DefinitionsFollowerOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    const { messages } = await readTopicToEnd(this.#o.kafka, this.#o.topic, [0], (m) => this.#apply(m.key, m.value));
    this.#o.logger.info({ topic: this.#o.topic, records: messages }, "drift definitions loaded from topic");
    this.#loaded = true;
    this.#consumer = this.#o.kafka.consumer({ groupId: this.#o.groupId, readUncommitted: false });
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topics: [this.#o.topic], fromBeginning: true });
    await this.#consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => this.#apply(message.key, message.value),
    });
  }

  isReady(): { ok: boolean; reason?: string } {
    return this.#loaded ? { ok: true } : { ok: false, reason: "definitions topic not loaded yet" };
  }

  async shutdown(): Promise<void> {
    await this.#consumer?.disconnect();
  }

  #apply(keyBytes: Buffer | null, value: Buffer | null): void {
    const key = keyBytes?.toString() ?? "";
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
