import { KafkaError, type Logger } from "@twinstate/runtime";
import type { Consumer, Kafka } from "kafkajs";
import type { AlertEngine } from "../engine/alert-engine.ts";
import { decodeAcknowledgement, decodeSilence, parseStateKey } from "../engine/alert-state-codec.ts";
import { controlPartition } from "./alerting-batch-handler.ts";

/** Options of {@link ControlRecordsFollower}. */
export interface ControlRecordsFollowerOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  /** The state topic (alerting.state.v1). */
  readonly topic: string;
  /** A group id of this instance alone (every instance reads every control record). */
  readonly groupId: string;
  readonly engine: AlertEngine;
}

/**
 * Tails the control partition of the state topic and applies every silence, silence tombstone and
 * acknowledgement to this worker's engine, whichever worker's gRPC call wrote it.
 *
 * Why: the routes feed of any worker must honour a silence created through another worker, and an
 * acknowledgement must reach the worker that owns the alert (its next changelog write then carries it).
 * Applying is idempotent, so reading from the beginning after the restore already applied them is harmless.
 */
export class ControlRecordsFollower {
  readonly #o: ControlRecordsFollowerOptions;
  readonly #consumer: Consumer;
  #joined = false;

  constructor(options: ControlRecordsFollowerOptions) {
    this.#o = options;
    // A short fetch wait: stop() waits for the current fetch, and every service shares one shutdown grace period.
    this.#consumer = options.kafka.consumer({
      groupId: options.groupId,
      readUncommitted: false,
      maxWaitTimeInMs: 1000,
    });
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, () => {
      this.#joined = true;
    });
  }

  /** Connects and starts following (from the beginning of the topic). */
  async start(): Promise<void> {
    try {
      await this.#consumer.connect();
      await this.#consumer.subscribe({ topics: [this.#o.topic], fromBeginning: true });
      await this.#consumer.run({
        eachMessage: async ({ partition, message }) => {
          if (partition !== controlPartition) return;
          const key = parseStateKey(message.key?.toString() ?? "");
          try {
            if (key?.kind === "silence") {
              if (message.value === null) this.#o.engine.removeSilence(key.id);
              else this.#o.engine.putSilence(decodeSilence(message.value));
            } else if (key?.kind === "acknowledgement" && message.value !== null) {
              this.#o.engine.applyAcknowledgement(decodeAcknowledgement(message.value));
            }
          } catch (error) {
            this.#o.logger.error({ err: error, offset: message.offset }, "undecodable control record skipped");
          }
        },
      });
    } catch (error) {
      throw KafkaError.wrap("control records follower start", error, { groupId: this.#o.groupId });
    }
  }

  /** Ready once the consumer joined its group. */
  isReady(): { ok: boolean; reason?: string } {
    return this.#joined ? { ok: true } : { ok: false, reason: "control records follower has not joined its group" };
  }

  /** Stops following and disconnects. */
  async shutdown(): Promise<void> {
    await this.#consumer.stop();
    await this.#consumer.disconnect();
  }
}
