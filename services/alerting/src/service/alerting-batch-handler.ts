import { fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  AlertSchema,
  type DriftEvent,
  DriftEventSchema,
  type StateEstimate,
  StateEstimateSchema,
} from "@twinstate/proto";
import type {
  ConsumedMessage,
  Logger,
  OutputRecord,
  TopicPartition,
  TransactionalBatchHandler,
} from "@twinstate/runtime";
import { asBuffer, readTopicToEnd } from "@twinstate/runtime";
import type { Kafka } from "kafkajs";
import type { AlertEngine, AlertTransition } from "../engine/alert-engine.ts";
import type { AcknowledgementEntry } from "../engine/alert-entry.ts";
import { ownerOf } from "../engine/alert-entry.ts";
import {
  decodeAcknowledgement,
  decodeAlertEntry,
  decodeSilence,
  encodeAlertEntry,
  parseStateKey,
  stateKeys,
} from "../engine/alert-state-codec.ts";
import { toAlertMessage } from "../engine/to-alert-message.ts";
import type { AlertingMetrics } from "../metrics/alerting-metrics.ts";

/** The topics the handler reads and writes. */
export interface AlertingTopics {
  readonly drift: string;
  readonly estimates: string;
  readonly alerts: string;
  readonly state: string;
}

/** Options of {@link AlertingBatchHandler}. */
export interface AlertingBatchHandlerOptions {
  readonly engine: AlertEngine;
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly metrics?: AlertingMetrics;
  readonly topics: AlertingTopics;
}

/** Partition of the state topic that holds silences and acknowledgements (read by every worker). */
export const controlPartition = 0;

/**
 * Runs the alert engine inside the runtime's transactional batches: per input record the transitions go to
 * the alerts topic (key `tenant/asset`); per batch (endBatch) the owner's changed alert entries go to the
 * compacted state topic on the input's partition number (tombstones for forgotten ones). The runtime commits
 * both with the input offsets in one transaction, so the alert state and the published transitions are exactly
 * once. On assignment (and after an aborted batch) the owner's alerts are dropped and restored from the state
 * topic; silences and acknowledgements (partition {@link controlPartition}) are re-applied.
 */
export class AlertingBatchHandler implements TransactionalBatchHandler {
  readonly #o: AlertingBatchHandlerOptions;

  constructor(options: AlertingBatchHandlerOptions) {
    this.#o = options;
  }

  process(message: ConsumedMessage): readonly OutputRecord[] {
    if (message.value === null) return [];
    const source = this.#source(message.topic);
    const owner = ownerOf(source, message.partition);
    let decoded: { drift: DriftEvent } | { estimate: StateEstimate };
    try {
      decoded =
        source === "drift"
          ? { drift: fromBinary(DriftEventSchema, message.value) }
          : { estimate: fromBinary(StateEstimateSchema, message.value) };
    } catch (error) {
      // Producers only publish these messages; an undecodable record cannot raise an alert.
      this.#o.logger.error({ err: error, topic: message.topic, offset: message.offset }, "undecodable record skipped");
      return [];
    }
    const transitions: AlertTransition[] =
      "drift" in decoded
        ? this.#o.engine.onDriftEvent(owner, decoded.drift)
        : this.#o.engine.onEstimate(owner, decoded.estimate);
    this.#o.metrics?.inputs.inc({ source });
    return transitions.map((t) => {
      this.#o.metrics?.transitions.inc({ kind: t.kind });
      return {
        topic: this.#o.topics.alerts,
        key: `${t.alert.tenant}/${t.alert.asset}`,
        value: asBuffer(toBinary(AlertSchema, toAlertMessage(t.alert))),
      };
    });
  }

  endBatch(tp: TopicPartition): readonly OutputRecord[] {
    const owner = ownerOf(this.#source(tp.topic), tp.partition);
    const { upserts, deletes } = this.#o.engine.takeChanges(owner);
    return [
      ...upserts.map((entry) => ({
        topic: this.#o.topics.state,
        partition: tp.partition,
        key: stateKeys.alert(owner, entry.fingerprint),
        value: encodeAlertEntry(entry),
      })),
      ...deletes.map((fp) => ({
        topic: this.#o.topics.state,
        partition: tp.partition,
        key: stateKeys.alert(owner, fp),
        value: null,
      })),
    ];
  }

  /** Drops and restores the owners of these partitions from the state topic, then re-applies acknowledgements. */
  async onPartitionsAssigned(tps: readonly TopicPartition[]): Promise<void> {
    const owners = new Set(tps.map((tp) => ownerOf(this.#source(tp.topic), tp.partition)));
    for (const owner of owners) this.#o.engine.dropOwner(owner);
    const partitions = [...new Set([controlPartition, ...tps.map((tp) => tp.partition)])].sort((a, b) => a - b);
    const begun = performance.now();
    const acks: AcknowledgementEntry[] = [];
    let restored = 0;
    const result = await readTopicToEnd(this.#o.kafka, this.#o.topics.state, partitions, (message) => {
      const key = parseStateKey(message.key?.toString() ?? "");
      if (key === undefined) return;
      if (key.kind === "alert") {
        if (!owners.has(key.owner)) return;
        if (message.value === null) this.#o.engine.forget(key.fingerprint);
        else {
          this.#o.engine.restore(decodeAlertEntry(message.value));
          restored++;
        }
      } else if (key.kind === "silence" && message.value !== null) {
        this.#o.engine.putSilence(decodeSilence(message.value));
      } else if (key.kind === "acknowledgement" && message.value !== null) {
        acks.push(decodeAcknowledgement(message.value));
      }
    });
    for (const ack of acks) this.#o.engine.applyAcknowledgement(ack);
    this.#o.logger.info(
      { owners: [...owners], records: result.messages, alerts: restored, ms: Math.round(performance.now() - begun) },
      "alert state restored",
    );
  }

  /** Forgets the alerts of partitions this worker no longer owns. */
  onPartitionsRevoked(tps: readonly TopicPartition[]): void {
    for (const tp of tps) this.#o.engine.dropOwner(ownerOf(this.#source(tp.topic), tp.partition));
  }

  #source(topic: string): "drift" | "estimates" {
    if (topic === this.#o.topics.drift) return "drift";
    if (topic === this.#o.topics.estimates) return "estimates";
    throw new Error(`alerting handler got a record of unexpected topic ${topic}`);
  }
}
