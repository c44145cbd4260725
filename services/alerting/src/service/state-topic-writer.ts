import type { KafkaProducer } from "@twinstate/runtime";
import type { AcknowledgementEntry, SilenceEntry } from "../engine/alert-entry.ts";
import { encodeAcknowledgement, encodeSilence, stateKeys } from "../engine/alert-state-codec.ts";
import { controlPartition } from "./alerting-batch-handler.ts";

/**
 * Persists what the gRPC API changes — silences and acknowledgements — to the compacted state topic, on the
 * control partition every worker reads at restore.
 *
 * Why not in the batch transactions: these are not caused by an input record; they are written (acks=all,
 * idempotent producer) before the call returns, so an acknowledged call survives a crash.
 */
export class StateTopicWriter {
  readonly #producer: KafkaProducer;
  readonly #topic: string;

  constructor(producer: KafkaProducer, topic: string) {
    this.#producer = producer;
    this.#topic = topic;
  }

  async saveSilence(silence: SilenceEntry): Promise<void> {
    await this.#producer.send([
      {
        topic: this.#topic,
        partition: controlPartition,
        key: stateKeys.silence(silence.id),
        value: encodeSilence(silence),
      },
    ]);
  }

  async saveAcknowledgement(ack: AcknowledgementEntry): Promise<void> {
    await this.#producer.send([
      {
        topic: this.#topic,
        partition: controlPartition,
        key: stateKeys.acknowledgement(ack.fingerprint),
        value: encodeAcknowledgement(ack),
      },
    ]);
  }

  /** Tombstones expired silences. */
  async deleteSilences(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#producer.send(
      ids.map((id) => ({ topic: this.#topic, partition: controlPartition, key: stateKeys.silence(id), value: null })),
    );
  }
}
