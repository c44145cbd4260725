import { fromBinary } from "@bufbuild/protobuf";
import { type Alert, AlertSchema } from "@twinstate/proto";
import { KafkaError, type Logger } from "@twinstate/runtime";
import type { Consumer, EachBatchPayload, Kafka } from "kafkajs";
import type { NotificationRouter } from "../routes/notification-router.ts";

/** Options of {@link AlertsTopicFeed}. */
export interface AlertsTopicFeedOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  /** The alerts topic (twin.alerts.v1). */
  readonly topic: string;
  readonly groupId: string;
  readonly router: NotificationRouter;
  /** How often settled offsets are committed (ms). Default 1000. */
  readonly commitIntervalMs?: number;
  /** Where a new group starts. Default true (beginning: no committed transition is ever skipped). */
  readonly fromBeginning?: boolean;
}

/** A fetched batch of one partition waiting for its routes. */
interface PendingBatch {
  readonly end: bigint;
  settled: boolean;
}

/**
 * Feeds the notification routes from the COMMITTED alert transitions: a read_committed consumer of
 * twin.alerts.v1, so a side effect (Alertmanager, webhooks) only ever happens for a transition whose
 * transaction committed — never for an aborted batch that will be re-processed.
 *
 * Delivery is at least once: a partition's offset is committed only up to the longest prefix of batches all of
 * whose notifications were delivered by every route (or dropped on a full queue, which is counted). A crash or
 * a receiver that never recovers leaves the offset behind, so the transitions are delivered again on restart
 * (receivers deduplicate with the idempotency key).
 */
export class AlertsTopicFeed {
  readonly #o: AlertsTopicFeedOptions;
  readonly #consumer: Consumer;
  readonly #pending = new Map<number, PendingBatch[]>();
  readonly #committed = new Map<number, bigint>();
  #timer: NodeJS.Timeout | undefined;
  #joined = false;

  constructor(options: AlertsTopicFeedOptions) {
    this.#o = options;
    // A short fetch wait: stop() waits for the current fetch, and every service shares one shutdown grace period.
    this.#consumer = options.kafka.consumer({
      groupId: options.groupId,
      readUncommitted: false,
      maxWaitTimeInMs: 1000,
    });
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, (event) => {
      this.#joined = true;
      const owned = new Set(event.payload.memberAssignment[options.topic] ?? []);
      for (const p of [...this.#pending.keys()]) if (!owned.has(p)) this.#pending.delete(p);
    });
  }

  /** Connects and starts consuming. */
  async start(): Promise<void> {
    try {
      await this.#consumer.connect();
      await this.#consumer.subscribe({ topics: [this.#o.topic], fromBeginning: this.#o.fromBeginning ?? true });
      await this.#consumer.run({ autoCommit: false, eachBatch: (payload) => this.#eachBatch(payload) });
    } catch (error) {
      throw KafkaError.wrap("alerts feed start", error, { groupId: this.#o.groupId });
    }
    this.#timer = setInterval(() => void this.#commit(), this.#o.commitIntervalMs ?? 1000);
    this.#timer.unref();
  }

  /** Ready once the consumer joined its group. */
  isReady(): { ok: boolean; reason?: string } {
    return this.#joined ? { ok: true } : { ok: false, reason: "alerts feed has not joined its group" };
  }

  /** Commits what was delivered, then stops. */
  async shutdown(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#consumer.stop();
    await this.#commit();
    await this.#consumer.disconnect();
  }

  async #eachBatch({ batch, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale()) return;
    const alerts: Alert[] = [];
    for (const message of batch.messages) {
      if (message.value === null) continue;
      try {
        alerts.push(fromBinary(AlertSchema, message.value));
      } catch (error) {
        this.#o.logger.error(
          { err: error, partition: batch.partition, offset: message.offset },
          "undecodable alert skipped",
        );
      }
    }
    const entry: PendingBatch = { end: BigInt(batch.lastOffset()) + 1n, settled: false };
    let list = this.#pending.get(batch.partition);
    if (list === undefined) {
      list = [];
      this.#pending.set(batch.partition, list);
    }
    list.push(entry);
    this.#o.router.route(alerts, () => {
      entry.settled = true;
    });
    await heartbeat();
  }

  async #commit(): Promise<void> {
    const offsets: { topic: string; partition: number; offset: string }[] = [];
    for (const [partition, list] of this.#pending) {
      let end: bigint | undefined;
      while (list.length > 0 && list[0]!.settled) end = list.shift()!.end;
      if (end !== undefined && end !== this.#committed.get(partition)) {
        offsets.push({ topic: this.#o.topic, partition, offset: end.toString() });
        this.#committed.set(partition, end);
      }
    }
    if (offsets.length === 0) return;
    try {
      await this.#consumer.commitOffsets(offsets);
    } catch (error) {
      // Lost the partition in a rebalance: its new owner re-delivers from the last commit (duplicates only).
      this.#o.logger.warn({ err: error }, "alerts feed offset commit failed");
    }
  }
}
