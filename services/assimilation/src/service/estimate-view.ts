import { EventEmitter } from "node:events";
import { fromBinary } from "@bufbuild/protobuf";
import { type StateEstimate, StateEstimateSchema } from "@twinstate/proto";
import type { Logger } from "@twinstate/runtime";
import type { Consumer, Kafka } from "kafkajs";

/** Options of {@link EstimateView}. */
export interface EstimateViewOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly topic: string;
  /** Unique per worker: every worker reads every partition. */
  readonly groupId: string;
}

/**
 * Every worker's local view of twin.estimates.v1: the latest committed estimate of every asset, whichever
 * worker owns it, and a feed of new ones for StreamEstimates.
 *
 * Why a view and not forwarding to the owner: queries must be answered correctly while partitions move
 * (rebalances, crashes); the estimates topic is the committed truth (read_committed), so any worker can
 * answer any query without knowing who owns what, and a subscriber never sees an estimate that a crash
 * later rolled back. The cost is memory per asset on every worker and a lag of one transaction.
 */
export class EstimateView {
  readonly #o: EstimateViewOptions;
  readonly #latest = new Map<string, StateEstimate>();
  readonly #events = new EventEmitter();
  #consumer: Consumer | undefined;

  constructor(options: EstimateViewOptions) {
    this.#o = options;
    this.#events.setMaxListeners(0);
  }

  async start(): Promise<void> {
    this.#consumer = this.#o.kafka.consumer({ groupId: this.#o.groupId, readUncommitted: false, maxWaitTimeInMs: 250 });
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topics: [this.#o.topic], fromBeginning: true });
    await this.#consumer.run({
      autoCommit: true,
      eachMessage: async ({ message }) => {
        if (message.value === null) return;
        try {
          this.apply(fromBinary(StateEstimateSchema, message.value));
        } catch (error) {
          this.#o.logger.warn({ err: error }, "undecodable estimate skipped");
        }
      },
    });
  }

  async shutdown(): Promise<void> {
    await this.#consumer?.disconnect();
  }

  /** Records an estimate (newer sequence wins) and notifies subscribers. */
  apply(estimate: StateEstimate): void {
    if (estimate.twinClassId === "") return;
    const key = `${estimate.tenant}/${estimate.asset}`;
    const existing = this.#latest.get(key);
    if (existing === undefined || estimate.sequence >= existing.sequence) this.#latest.set(key, estimate);
    this.#events.emit("estimate", estimate);
  }

  /** The latest estimate of "tenant/asset". */
  latest(key: string): StateEstimate | undefined {
    return this.#latest.get(key);
  }

  /** Latest estimates of a tenant, ordered by asset name. */
  list(tenant: string): StateEstimate[] {
    return [...this.#latest.values()]
      .filter((e) => e.tenant === tenant)
      .sort((a, b) => (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : 0));
  }

  /** Subscribes to new estimates; returns the unsubscribe function. */
  subscribe(listener: (estimate: StateEstimate) => void): () => void {
    this.#events.on("estimate", listener);
    return () => this.#events.off("estimate", listener);
  }
}
